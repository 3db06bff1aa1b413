/**
 * The tokenizer class name inseq reports (`tokenizer_class` in saved files), as transformers ≥ 5 names it: the generic
 * fast tokenizer `PreTrainedTokenizerFast` is `TokenizersBackend`, `XTokenizerFast` is `XTokenizer`.
 */
export function tokenizerClassName(tokenizerClass: unknown): string {
  if (typeof tokenizerClass !== "string" || tokenizerClass === "" || tokenizerClass === "PreTrainedTokenizerFast") return "TokenizersBackend";
  return tokenizerClass.endsWith("Fast") ? tokenizerClass.slice(0, -"Fast".length) : tokenizerClass;
}
