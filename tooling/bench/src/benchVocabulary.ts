/** Special tokens at the start of the benchmark vocabulary: id 0 is GPT-2's `<|endoftext|>` (bos = eos), id 1 `<unk>`. */
export const SPECIAL_WORDS = ["<|endoftext|>", "<unk>"] as const;

/** Plain English words given the first ids after the specials, so that prompts read naturally. */
export const ENGLISH_WORDS = (
  "the a an of to in on at by for with from and or but not is was are were be been it he she they we you i this that " +
  "these those there here then when where why how what who which old young quick slow brown red green blue fox dog cat " +
  "bird fish river tree house city road sun moon day night jumps runs sat ran walked swam flew over under near far away " +
  "home again lazy happy sad big small long short"
).split(" ");

/**
 * The benchmark's word-level vocabulary of `size` words (index = id): the specials, {@link ENGLISH_WORDS}, then
 * `w<id>` fillers up to `size`.
 */
export function benchVocabulary(size: number): string[] {
  const words: string[] = [...SPECIAL_WORDS, ...ENGLISH_WORDS];
  if (new Set(words).size !== words.length) throw new Error("benchVocabulary: duplicate word in the word list.");
  if (size < words.length) throw new Error(`benchVocabulary: size ${size} is smaller than the ${words.length} fixed words.`);
  for (let id = words.length; id < size; id++) words.push(`w${id}`);
  return words;
}
