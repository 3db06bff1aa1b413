// Trains models/tiny-translate: a 2+2-layer Marian translating a synthetic language with known word alignments.
// Run: pnpm --filter @inseqjs/train-tiny train:translate   (seeded: the same command writes the same weights)
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { mulberry32 } from "@inseqjs/core/testing";
import { cliArgs } from "./cliArgs.js";
import { heldOutJson } from "./heldOutJson.js";
import { initMarian, marianLogits, marianLoss, type MarianBatch, type MarianSizes } from "./marianTrainer.js";
import { trainLoop } from "./trainLoop.js";
import { TRANSLATE_SPECIALS, sampleTranslation, translateVocab, type TranslationExample } from "./translationTask.js";
import { translateModelFiles } from "./translateModelFiles.js";
import { translateReadme } from "./translateReadme.js";
import { verifyTranslate } from "./verifyTranslate.js";
import { writeModelFolder } from "./writeModelFolder.js";

const args = cliArgs({ seed: 11, steps: 3000, batch: 32, lr: 0.002, hidden: 64, layers: 2, heads: 4, ffn: 128, heldOut: 500, out: fileURLToPath(new URL("../../../models/tiny-translate/", import.meta.url)) });
await useBackend("wasm");

const vocab = translateVocab();
const idOf = new Map(vocab.map((w, i) => [w, i]));
const EOS = idOf.get(TRANSLATE_SPECIALS.eos)!;
const PAD = idOf.get(TRANSLATE_SPECIALS.pad)!;
const encode = (text: string) => text.split(" ").map((w) => idOf.get(w)!);
const sizes: MarianSizes = { vocabSize: vocab.length, hidden: args.hidden, encoderLayers: args.layers, decoderLayers: args.layers, heads: args.heads, ffn: args.ffn, positions: 32 };

// Held-out sentences come from their own seed (distinct sources) and are never trained on.
const heldRandom = mulberry32(args.seed * 1000 + 1);
const heldOut: TranslationExample[] = [];
const heldSources = new Set<string>();
while (heldOut.length < args.heldOut) {
  const e = sampleTranslation(heldRandom);
  if (heldSources.has(e.source)) continue;
  heldSources.add(e.source);
  heldOut.push(e);
}

const uniform = mulberry32(args.seed);
const params = initMarian(sizes, uniform);
const parameters = params.count();
console.log(`tiny-translate: ${parameters} parameters, vocab ${vocab.length}`);

function makeBatch(examples: readonly TranslationExample[]): MarianBatch {
  const src = examples.map((e) => [...encode(e.source), EOS]);
  const tgt = examples.map((e) => encode(e.target));
  const S = Math.max(...src.map((s) => s.length));
  const T = Math.max(...tgt.map((t) => t.length)) + 1;
  const pad = (row: number[], n: number, value: number) => [...row, ...Array(n - row.length).fill(value)];
  return {
    sourceIds: tf.tensor2d(src.map((s) => pad(s, S, PAD)), [src.length, S], "int32"),
    sourceMask: tf.tensor2d(src.map((s) => pad(s.map(() => 1), S, 0)), [src.length, S]),
    decoderIds: tf.tensor2d(tgt.map((t) => pad([PAD, ...t], T, PAD)), [tgt.length, T], "int32"),
    labels: tf.tensor2d(tgt.map((t) => pad([...t, EOS], T, PAD)), [tgt.length, T], "int32"),
    labelMask: tf.tensor2d(tgt.map((t) => pad([...t, EOS].map(() => 1), T, 0)), [tgt.length, T]),
  };
}

/** Teacher-forced token accuracy on held-out sentences with the training forward (fast check while training). */
function teacherForcedAccuracy(examples: readonly TranslationExample[]): number {
  const batch = makeBatch(examples);
  const [right, total] = tf.tidy(() => {
    const predicted = tf.argMax(marianLogits(params, sizes, batch), 1);
    const labels = tf.reshape(batch.labels, [-1]);
    const mask = tf.reshape(batch.labelMask, [-1]);
    const hits = tf.mul(tf.cast(tf.equal(predicted, labels), "float32"), mask);
    return [tf.sum(hits).dataSync()[0], tf.sum(mask).dataSync()[0]];
  });
  Object.values(batch).forEach((t) => t.dispose());
  return right / total;
}

const t0 = Date.now();
const steps = trainLoop(params.list(), {
  steps: args.steps,
  learningRate: args.lr,
  warmupSteps: 200,
  logEvery: 100,
  loss: () => {
    const examples: TranslationExample[] = [];
    while (examples.length < args.batch) {
      const e = sampleTranslation(uniform);
      if (!heldSources.has(e.source)) examples.push(e);
    }
    const batch = makeBatch(examples);
    const loss = marianLoss(params, sizes, batch);
    Object.values(batch).forEach((t) => t.dispose());
    return loss;
  },
  onLog: (step, loss, s) => console.log(`step ${step}  loss ${loss.toFixed(4)}  ${s.toFixed(0)} s`),
  done: (step) => {
    if (step % 500 !== 0) return false;
    const acc = teacherForcedAccuracy(heldOut.slice(0, 200));
    console.log(`  held-out token accuracy (teacher forcing, 200 sentences): ${(100 * acc).toFixed(2)} %`);
    return acc === 1;
  },
});
const trainSeconds = (Date.now() - t0) / 1000;
console.log(`trained ${steps} steps in ${trainSeconds.toFixed(0)} s`);

const heldOut_ = heldOutJson(
  {
    task: "synthetic translation with gold word alignments",
    alignment: "[sourceWordIndex, targetWordIndex] pairs; every word is one token, so word indices are token indices (source without </s>, target without the decoder start)",
  },
  heldOut,
);
writeModelFolder(args.out, translateModelFiles(sizes, params.toSafetensors(), { "heldout.json": heldOut_ }));
params.dispose();
const result = await verifyTranslate(args.out, heldOut);
console.log(`held-out exact match with @inseqjs/transformers (greedy, ${heldOut.length} sentences): ${(100 * result.exactMatch).toFixed(2)} %, word accuracy ${(100 * result.wordAccuracy).toFixed(2)} %`);
for (const e of result.errors) console.log(`  ${e.source} → ${e.got} (expected ${e.expected})`);
writeFileSync(join(args.out, "README.md"), translateReadme({ sizes, parameters, steps, trainSeconds, seed: args.seed, batch: args.batch, lr: args.lr, verification: result }));
