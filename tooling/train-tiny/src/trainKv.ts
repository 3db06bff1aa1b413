// Trains models/tiny-kv: a 2-layer GPT-2 that answers key-value recall prompts (`a 3 b 7 c 1 ; b =` → `7`).
// Run: pnpm --filter @inseqjs/train-tiny train:kv   (seeded: the same command writes the same weights)
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { mulberry32 } from "@inseqjs/core/testing";
import { cliArgs } from "./cliArgs.js";
import { heldOutJson } from "./heldOutJson.js";
import { gpt2Logits, gpt2Loss, initGpt2, type Gpt2Sizes, type PreviousTokenProbe } from "./gpt2Trainer.js";
import { KV_MAX_PAIRS, KV_MIN_PAIRS, KV_VOCAB, kvPairCount, sampleKvExample, type KvExample } from "./kvTask.js";
import { kvModelFiles } from "./kvModelFiles.js";
import { kvReadme } from "./kvReadme.js";
import { TrainableParams } from "./TrainableParams.js";
import { trainLoop } from "./trainLoop.js";
import { verifyKv } from "./verifyKv.js";
import { writeModelFolder } from "./writeModelFolder.js";

const args = cliArgs({ seed: 7, steps: 4000, minSteps: 1000, batch: 128, lr: 0.003, hidden: 64, inner: 128, layers: 2, heads: 4, probe: 0.5, unkRate: 0.15, heldOut: 1000, out: fileURLToPath(new URL("../../../models/tiny-kv/", import.meta.url)) });
await useBackend("wasm");

const sizes: Gpt2Sizes = { vocabSize: KV_VOCAB.length, hidden: args.hidden, layers: args.layers, heads: args.heads, positions: 32, inner: args.inner };
const idOf = new Map(KV_VOCAB.map((w, i) => [w, i]));
const encode = (text: string) => text.split(" ").map((w) => idOf.get(w)!);
const UNK = idOf.get("<unk>")!;

// Held-out prompts come from their own seed and are never trained on.
const heldRandom = mulberry32(args.seed * 1000 + 1);
const heldOut: KvExample[] = [];
const heldPrompts = new Set<string>();
while (heldOut.length < args.heldOut) {
  const e = sampleKvExample(heldRandom, KV_MIN_PAIRS + (heldOut.length % (KV_MAX_PAIRS - KV_MIN_PAIRS + 1)));
  if (heldPrompts.has(e.prompt)) continue;
  heldPrompts.add(e.prompt);
  heldOut.push(e);
}

const uniform = mulberry32(args.seed);
const params = initGpt2(sizes, uniform);
const parameters = params.count();
console.log(`tiny-kv: ${parameters} parameters, vocab ${KV_VOCAB.length}`);

function batchIds(pairs: number): tf.Tensor2D {
  const rows: number[][] = [];
  while (rows.length < args.batch) {
    const e = sampleKvExample(uniform, pairs);
    if (heldPrompts.has(e.prompt)) continue;
    // Every token but the queried pair and the query key is replaced by <unk> now and then, so that <unk> (the
    // attribution baseline) reads as "no token here" instead of an input never seen in training.
    const keep = new Set([e.keyPosition, e.valuePosition, e.queryPosition]);
    const ids = encode(e.prompt).map((id, i) => (!keep.has(i) && uniform() < args.unkRate ? UNK : id));
    rows.push([...ids, idOf.get(e.answer)!, 0]);
  }
  return tf.tensor2d(rows, [rows.length, rows[0].length], "int32");
}

/** Answer accuracy on the held-out prompts with the training forward (fast check while training). */
function trainingForwardAccuracy(examples: readonly KvExample[]): number {
  let correct = 0;
  for (let pairs = KV_MIN_PAIRS; pairs <= KV_MAX_PAIRS; pairs++) {
    const group = examples.filter((e) => kvPairCount(e.prompt) === pairs);
    if (!group.length) continue;
    const predicted = tf.tidy(() => {
      const ids = tf.tensor2d(group.map((e) => encode(e.prompt)), undefined, "int32");
      return tf.argMax(gpt2Logits(params, sizes, ids, ids.shape[1] - 1, 1), 1);
    });
    const p = predicted.dataSync();
    predicted.dispose();
    group.forEach((e, i) => (correct += KV_VOCAB[p[i]] === e.answer ? 1 : 0));
  }
  return correct / examples.length;
}

const t0 = Date.now();
const probeParams = new TrainableParams(uniform);
const probe: PreviousTokenProbe = { weight: probeParams.normal("probe", [sizes.hidden, sizes.vocabSize], 1 / Math.sqrt(sizes.hidden)), lossWeight: args.probe };
const steps = trainLoop([...params.list(), ...(args.probe > 0 ? probeParams.list() : [])], {
  steps: args.steps,
  learningRate: args.lr,
  warmupSteps: 200,
  logEvery: 250,
  loss: (step) => {
    const ids = batchIds(KV_MIN_PAIRS + (step % (KV_MAX_PAIRS - KV_MIN_PAIRS + 1)));
    const loss = gpt2Loss(params, sizes, ids, 2, args.probe > 0 ? probe : undefined);
    ids.dispose();
    return loss;
  },
  onLog: (step, loss, s) => console.log(`step ${step}  loss ${loss.toFixed(4)}  ${s.toFixed(0)} s`),
  done: (step) => {
    if (step % 500 !== 0) return false;
    const acc = trainingForwardAccuracy(heldOut.slice(0, 400));
    console.log(`  held-out accuracy (training forward, 400 prompts): ${(100 * acc).toFixed(2)} %`);
    return acc === 1 && step >= args.minSteps;
  },
});
const trainSeconds = (Date.now() - t0) / 1000;
probeParams.dispose();
console.log(`trained ${steps} steps in ${trainSeconds.toFixed(0)} s`);

const heldOut_ = heldOutJson({ task: "key-value recall", fields: "prompt, answer, prompt-token positions of the queried key, its value and the query key" }, heldOut);
writeModelFolder(args.out, kvModelFiles(sizes, params.toSafetensors(), { "heldout.json": heldOut_ }));
params.dispose();
const result = await verifyKv(args.out, heldOut);
console.log(`held-out accuracy with @inseqjs/transformers (greedy, ${heldOut.length} prompts): ${(100 * result.accuracy).toFixed(2)} %, answer + EOS ${(100 * result.exactWithEos).toFixed(2)} %`);
writeFileSync(join(args.out, "README.md"), kvReadme({ sizes, parameters, steps, trainSeconds, seed: args.seed, batch: args.batch, lr: args.lr, probe: args.probe, unkRate: args.unkRate, verification: result }));
