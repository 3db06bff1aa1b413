import type { MarianSizes } from "./marianTrainer.js";
import { ADJECTIVES, DETERMINERS, INTRANSITIVE_VERBS, NOUNS, TRANSITIVE_VERBS } from "./translationTask.js";
import type { TranslateVerification } from "./verifyTranslate.js";

/** What the README of tiny-translate reports. */
export interface TranslateTrainingReport {
  readonly sizes: MarianSizes;
  readonly parameters: number;
  readonly steps: number;
  readonly trainSeconds: number;
  readonly seed: number;
  readonly batch: number;
  readonly lr: number;
  readonly verification: TranslateVerification;
}

const row = (entries: Readonly<Record<string, string | readonly string[]>>) =>
  Object.entries(entries).map(([s, t]) => `\`${s}\` → \`${typeof t === "string" ? t : t.join(" ")}\``).join(", ");

/** The model card of models/tiny-translate. */
export function translateReadme(r: TranslateTrainingReport): string {
  const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
  return `# tiny-translate — synthetic translation with known word alignments (Marian architecture, trained)

A Marian encoder-decoder (\`MarianMTModel\`, ${r.sizes.encoderLayers}+${r.sizes.decoderLayers} layers, d=${r.sizes.hidden}, ${r.sizes.heads} heads, FFN ${r.sizes.ffn},
${r.parameters} parameters, shared vocabulary, tied head) trained on a made-up language pair whose word alignment is known
by construction, so source attributions can be scored against gold alignments (alignment error rate).

## Task

Sentences are \`NP VERB NP\` (70 %) or \`NP VERB\` with \`NP = DET [ADJ] NOUN\` (adjective in 60 % of noun phrases).
The translation is word by word, with two rules that make the alignment non-trivial:

- **reordering:** an adjective moves after its noun (\`the red dog\` → \`le chien rouge\`);
- **one-to-two:** some verbs become two target words (\`visits\` → \`rend visite\`).

\`\`\`
the big dog visits a red cat  →  le chien grand rend visite un chat rouge
alignment (source word → target words): the→le, big→grand, dog→chien, visits→rend visite, a→un, red→rouge, cat→chat
\`\`\`

## Dictionary

- determiners: ${row(DETERMINERS)}
- adjectives: ${row(ADJECTIVES)}
- nouns: ${row(NOUNS)}
- transitive verbs: ${row(TRANSITIVE_VERBS)}
- intransitive verbs: ${row(INTRANSITIVE_VERBS)}

## Vocabulary (${r.sizes.vocabSize} tokens, WordLevel + Whitespace pre-tokenizer, shared by source and target)

Id 0 \`</s>\` (EOS, appended to every source by the tokenizer's template), id 1 \`<unk>\` (never seen in training; the
attribution baseline), then the source words, then the target words, and \`<pad>\` last (also the decoder start).

## Training

\`tooling/train-tiny\` (\`pnpm --filter @inseqjs/train-tiny train:translate\`), TF.js on the wasm backend, seed ${r.seed}:
Adam (β = 0.9/0.98, peak lr ${r.lr}, warm-up then cosine decay), batches of ${r.batch} fresh random sentence pairs,
teacher-forced cross-entropy; ${r.steps} steps, ${r.trainSeconds.toFixed(0)} s on this project's 2-core machine. The held-out
sentences (\`heldout.json\`) come from a separate seed and are excluded from training.

## Held-out accuracy

Measured after loading this folder with \`loadTransformersModel\` from \`@inseqjs/transformers\` and decoding greedily
through its forward (the code the product runs):

| | ${r.verification.examples} held-out sentences |
|---|---|
| exact match (then \`</s>\`) | ${pct(r.verification.exactMatch)} |
| word accuracy | ${pct(r.verification.wordAccuracy)} |

## Gold alignments

\`heldout.json\` holds every held-out sentence pair with its gold alignment as \`[sourceWordIndex, targetWordIndex]\`
pairs. Every word is one token, so the indices are token indices: source without the final \`</s>\`, target counted
from the first generated token (without the decoder start). Every target word has exactly one source word.
`;
}
