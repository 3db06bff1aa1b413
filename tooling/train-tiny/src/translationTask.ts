/** Determiners → target words. */
export const DETERMINERS: Readonly<Record<string, string>> = { the: "le", a: "un" };
/** Adjectives → target words (placed after their noun in the target). */
export const ADJECTIVES: Readonly<Record<string, string>> = {
  big: "grand", small: "petit", red: "rouge", blue: "bleu", old: "vieux", young: "jeune", happy: "content", sad: "triste",
};
/** Nouns → target words. */
export const NOUNS: Readonly<Record<string, string>> = {
  dog: "chien", cat: "chat", bird: "oiseau", fish: "poisson", horse: "cheval", mouse: "souris", child: "enfant", farmer: "fermier",
};
/** Transitive verbs → one or two target words (the one-to-two mappings). */
export const TRANSITIVE_VERBS: Readonly<Record<string, readonly string[]>> = {
  sees: ["voit"], likes: ["aime"], eats: ["mange"], chases: ["chasse"], follows: ["suit"], finds: ["trouve"],
  visits: ["rend", "visite"], scares: ["fait", "peur"], helps: ["vient", "aider"],
};
/** Intransitive verbs → one or two target words. */
export const INTRANSITIVE_VERBS: Readonly<Record<string, readonly string[]>> = {
  sleeps: ["dort"], runs: ["court"], sings: ["chante"], waits: ["attend"], falls: ["tombe", "lourdement"],
};

/** Special tokens of tiny-translate, as Marian orders them: `</s>` 0, `<unk>` 1, …, `<pad>` last. */
export const TRANSLATE_SPECIALS = { eos: "</s>", unk: "<unk>", pad: "<pad>" } as const;

/** Every source word, then every target word (each once), in a fixed order. */
export function translationWords(): { source: string[]; target: string[] } {
  const source = [...Object.keys(DETERMINERS), ...Object.keys(ADJECTIVES), ...Object.keys(NOUNS), ...Object.keys(TRANSITIVE_VERBS), ...Object.keys(INTRANSITIVE_VERBS)];
  const target = [
    ...Object.values(DETERMINERS), ...Object.values(ADJECTIVES), ...Object.values(NOUNS),
    ...Object.values(TRANSITIVE_VERBS).flat(), ...Object.values(INTRANSITIVE_VERBS).flat(),
  ];
  return { source, target: [...new Set(target)] };
}

/** Vocabulary of tiny-translate in id order: `</s>`, `<unk>`, source words, target words, `<pad>` (the decoder start). */
export function translateVocab(): string[] {
  const { source, target } = translationWords();
  return [TRANSLATE_SPECIALS.eos, TRANSLATE_SPECIALS.unk, ...source, ...target, TRANSLATE_SPECIALS.pad];
}

/** A sentence pair with its gold word alignment. */
export interface TranslationExample {
  readonly source: string;
  readonly target: string;
  /** `[sourceWordIndex, targetWordIndex]` links (every target word has exactly one source word). */
  readonly alignment: readonly (readonly [number, number])[];
}

const choice = <T>(items: readonly T[], uniform: () => number): T => items[Math.floor(uniform() * items.length)];

/**
 * A random sentence `NP VERB [NP]` with `NP = DET [ADJ] NOUN`, translated word by word with the adjective moved
 * after its noun and some verbs becoming two words; the alignment records where each target word comes from.
 */
export function sampleTranslation(uniform: () => number): TranslationExample {
  const src: string[] = [];
  const tgt: string[] = [];
  const alignment: [number, number][] = [];
  const emit = (sourceIndex: number, words: readonly string[]) => {
    for (const w of words) {
      alignment.push([sourceIndex, tgt.length]);
      tgt.push(w);
    }
  };
  const nounPhrase = () => {
    const det = choice(Object.keys(DETERMINERS), uniform);
    const adj = uniform() < 0.6 ? choice(Object.keys(ADJECTIVES), uniform) : undefined;
    const noun = choice(Object.keys(NOUNS), uniform);
    const d = src.push(det) - 1;
    const a = adj === undefined ? -1 : src.push(adj) - 1;
    const n = src.push(noun) - 1;
    emit(d, [DETERMINERS[det]]);
    emit(n, [NOUNS[noun]]);
    if (adj !== undefined) emit(a, [ADJECTIVES[adj]]);
  };
  nounPhrase();
  if (uniform() < 0.7) {
    const verb = choice(Object.keys(TRANSITIVE_VERBS), uniform);
    emit(src.push(verb) - 1, TRANSITIVE_VERBS[verb]);
    nounPhrase();
  } else {
    const verb = choice(Object.keys(INTRANSITIVE_VERBS), uniform);
    emit(src.push(verb) - 1, INTRANSITIVE_VERBS[verb]);
  }
  return { source: src.join(" "), target: tgt.join(" "), alignment };
}
