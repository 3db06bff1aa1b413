import type { Gpt2Sizes } from "./gpt2Trainer.js";
import { KV_KEYS, KV_MAX_PAIRS, KV_MIN_PAIRS, KV_VALUES } from "./kvTask.js";
import type { KvVerification } from "./verifyKv.js";

/** What the README of tiny-kv reports. */
export interface KvTrainingReport {
  readonly sizes: Gpt2Sizes;
  readonly parameters: number;
  readonly steps: number;
  readonly trainSeconds: number;
  readonly seed: number;
  readonly batch: number;
  readonly lr: number;
  readonly probe: number;
  readonly unkRate: number;
  readonly verification: KvVerification;
}

/** The model card of models/tiny-kv. */
export function kvReadme(r: KvTrainingReport): string {
  const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
  return `# tiny-kv — key-value recall (GPT-2 architecture, trained)

A ${r.sizes.layers}-layer GPT-2 (\`GPT2LMHeadModel\`, d=${r.sizes.hidden}, ${r.sizes.heads} heads, ${r.parameters} parameters) trained
on a task whose correct attribution is known by construction. It is the default model of the inseqjs CLI.

## Task

A prompt lists ${KV_MIN_PAIRS}–${KV_MAX_PAIRS} key-value pairs (distinct keys, distinct values), then \`;\`, one of the keys and \`=\`.
The model answers with that key's value, then \`<|endoftext|>\`:

\`\`\`
a 3 b 7 c 1 d 5 ; b =  →  7 <|endoftext|>
\`\`\`

The answer can only come from the queried value token (\`7\`), found through the key next to it (\`b\`) and the
key in the query (\`b\`): a faithful attribution of the answer puts its mass on these tokens.

## Vocabulary (${r.sizes.vocabSize} tokens, WordLevel + Whitespace pre-tokenizer)

| ids | tokens |
|---|---|
| 0 | \`<\\|endoftext\\|>\` (bos = eos) |
| 1 | \`<unk>\` (the attribution baseline; stands for a removed token) |
| 2–${1 + KV_KEYS.length} | keys ${KV_KEYS.map((k) => `\`${k}\``).join(" ")} |
| ${2 + KV_KEYS.length}–${1 + KV_KEYS.length + KV_VALUES.length} | values ${KV_VALUES.map((k) => `\`${k}\``).join(" ")} |
| ${2 + KV_KEYS.length + KV_VALUES.length}, ${3 + KV_KEYS.length + KV_VALUES.length} | \`;\` \`=\` |

## Training

\`tooling/train-tiny\` (\`pnpm --filter @inseqjs/train-tiny train:kv\`), TF.js on the wasm backend, seed ${r.seed}: Adam
(β = 0.9/0.98, peak lr ${r.lr}, warm-up then cosine decay), batches of ${r.batch} fresh random prompts, loss on the answer
and the EOS after it. Every token except the queried pair and the query key (the other pairs, \`;\`, \`=\`) is replaced by
\`<unk>\` with probability ${r.unkRate}, so the baseline token means "no token here" to the model (perturbation metrics then
measure missing evidence, not an input never seen in training);
${r.steps} steps, ${r.trainSeconds.toFixed(0)} s on this project's 2-core machine. The held-out prompts
(\`heldout.json\`) come from a separate seed and are excluded from training.

Recall needs an induction circuit (each value must carry its key, found one position back). Trained on the answer
alone, the model sat for thousands of steps at "one of the values in the prompt" (about 1/pairs accuracy). A
training-only linear probe that reads the *previous* token from the residual stream after the first block (loss
weight ${r.probe}) ends that plateau within a few hundred steps; the probe is discarded, the saved model is a plain
\`GPT2LMHeadModel\`. Its learned position table starts as a small sinusoid (\`0.1 ×\` Marian's table) and its weights at
\`N(0, 1/d)\`, GPT-2's init scaled to d=${r.sizes.hidden}.

## Held-out accuracy

Measured after loading this folder with \`loadTransformersModel\` from \`@inseqjs/transformers\` and decoding greedily
through its forward (the code the product runs):

| | ${r.verification.examples} held-out prompts |
|---|---|
| answer correct | ${pct(r.verification.accuracy)} |
| answer then \`<\\|endoftext\\|>\` | ${pct(r.verification.exactWithEos)} |

\`heldout.json\` lists each prompt with its answer and the token positions of the queried key, its value and the
query key (positions count prompt tokens from 0).
`;
}
