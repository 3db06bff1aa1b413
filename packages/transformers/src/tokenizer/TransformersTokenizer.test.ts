import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { localModelFiles } from "../files/localModelFiles.js";
import { loadTokenizer } from "./loadTokenizer.js";
import { TransformersTokenizer } from "./TransformersTokenizer.js";
import { tokenizerClassName } from "./tokenizerClassName.js";

const root = new URL("../../../../", import.meta.url);
const modelDir = (name: string) => fileURLToPath(new URL(`models/${name}`, root));

interface IgCase {
  id: string;
  input_text: string;
  generated_text: string;
  source_ids: number[] | null;
  source_tokens: string[] | null;
  target_ids: number[];
  target_tokens: string[];
  attr_pos_start: number;
}
const cases = (model: string): IgCase[] =>
  JSON.parse(readFileSync(new URL(`test-data/expected/${model}/integrated_gradients.json`, root), "utf8")).cases;

describe("TransformersTokenizer on tiny-gpt2", () => {
  let tok: TransformersTokenizer;
  beforeAll(async () => { tok = await loadTokenizer(await localModelFiles(modelDir("tiny-gpt2"))); });

  it.each(cases("tiny-gpt2").map((c) => [c.id, c] as const))("%s: ids equal the Hugging Face fixture ids", (_, c) => {
    expect(tok.encode(c.generated_text)).toEqual(c.target_ids);
    expect(tok.encode(c.input_text)).toEqual(c.target_ids.slice(0, c.attr_pos_start));
    expect(tok.encode(c.generated_text, { addSpecialTokens: false })).toEqual(c.target_ids);
    expect(tok.convertIdsToTokens(c.target_ids)).toEqual(c.target_tokens);
  });

  it("knows its special tokens and class name", () => {
    expect(tok.specialTokens).toEqual({ bos: 0, eos: 0, pad: undefined, unk: 1 });
    expect([...tok.specialIds].sort()).toEqual([0, 1]);
    expect(tok.className).toBe("TokenizersBackend");
  });

  it("decodes, optionally without special tokens", () => {
    const ids = tok.encode("the quick brown fox");
    expect(tok.decode(ids)).toBe("the quick brown fox");
    expect(tok.decode([0, ...ids], { skipSpecialTokens: true })).toBe("the quick brown fox");
    expect(tok.decode([])).toBe("");
  });

  it("keeps a non-ASCII word whole under the Whitespace pre-tokenizer, as Hugging Face does", () => {
    // Rust's \w is Unicode: `café` is one word (→ <unk>), not `caf` + `é` (→ <unk> <unk>).
    expect(tok.encode("the café")).toEqual([2, 1]);
    expect(tok.encode("the 東京")).toEqual([2, 1]);
    expect(tok.encode("the, fox")).toEqual([2, tok.tokenToId(",") ?? 1, 103]);
  });
});

describe("TransformersTokenizer on tiny-marian", () => {
  let tok: TransformersTokenizer;
  beforeAll(async () => { tok = await loadTokenizer(await localModelFiles(modelDir("tiny-marian"))); });

  it.each(cases("tiny-marian").map((c) => [c.id, c] as const))("%s: source ids (with </s>) and target ids equal the fixture", (_, c) => {
    expect(tok.encode(c.input_text)).toEqual(c.source_ids);
    expect(tok.convertIdsToTokens(c.source_ids!)).toEqual(c.source_tokens);
    expect(tok.encode(c.input_text, { addSpecialTokens: false })).toEqual(c.source_ids!.slice(0, -1));
    expect([254, ...tok.encode(c.generated_text)]).toEqual(c.target_ids);
    expect(tok.convertIdsToTokens(c.target_ids)).toEqual(c.target_tokens);
  });

  it("maps accented vocabulary words to their ids (ASCII-only \\w would split them into <unk>s)", () => {
    const ecole = tok.tokenToId("école")!;
    const etait = tok.tokenToId("était")!;
    expect(ecole).toBeGreaterThan(1);
    expect(tok.encode("école était")).toEqual([ecole, etait, 0]);
  });

  it("knows its special tokens", () => {
    expect(tok.specialTokens).toEqual({ bos: undefined, eos: 0, pad: 254, unk: 1 });
    expect([...tok.specialIds].sort((a, b) => a - b)).toEqual([0, 1, 254]);
  });
});

describe("TransformersTokenizer config handling", () => {
  const json = JSON.parse(readFileSync(new URL("models/tiny-gpt2/tokenizer.json", root), "utf8"));

  it("falls back to the model's unk token when tokenizer_config.json is absent", () => {
    const tok = new TransformersTokenizer(json);
    expect(tok.encode("the zzzz")).toEqual([2, 1]);
    expect(tok.specialTokens.unk).toBe(1);
  });

  it("accepts special tokens written as AddedToken objects", () => {
    const tok = new TransformersTokenizer(json, { eos_token: { content: "<|endoftext|>", special: true }, unk_token: { content: "<unk>" } });
    expect(tok.specialTokens).toMatchObject({ eos: 0, unk: 1 });
    expect(tok.encode("the zzzz")).toEqual([2, 1]);
  });

  it("rejects a broken tokenizer.json with MALFORMED_FILE", () => {
    expect(() => new TransformersTokenizer({ model: { type: "Nope" } })).toThrow(expect.objectContaining({ code: "MALFORMED_FILE" }));
  });
});

describe("tokenizerClassName", () => {
  it("reports transformers ≥ 5 class names, as inseq writes them", () => {
    expect(tokenizerClassName("PreTrainedTokenizerFast")).toBe("TokenizersBackend");
    expect(tokenizerClassName(undefined)).toBe("TokenizersBackend");
    expect(tokenizerClassName("GPT2TokenizerFast")).toBe("GPT2Tokenizer");
    expect(tokenizerClassName("MarianTokenizer")).toBe("MarianTokenizer");
  });
});
