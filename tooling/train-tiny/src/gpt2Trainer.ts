import * as tf from "@tensorflow/tfjs-core";
import { additiveAttentionMask, attention, geluNew, layerNorm, matMulNN, mergeHeads, splitHeads } from "@inseqjs/backend-tfjs";
import { sinusoidalPositions } from "@inseqjs/transformers";
import { TrainableParams } from "./TrainableParams.js";
import { crossEntropy, embedOneHot, tiedLogits, trainableLinear } from "./trainOps.js";

/** Sizes of a GPT-2 (`GPT2LMHeadModel`) to train. */
export interface Gpt2Sizes {
  readonly vocabSize: number;
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  readonly positions: number;
  /** MLP width (`n_inner`). */
  readonly inner: number;
}

const LN_EPS = 1e-5;

/** GPT-2 parameters under Hugging Face's names (Conv1D weights are `(in, out)` in the file too), seeded. */
export function initGpt2(sizes: Gpt2Sizes, uniform: () => number): TrainableParams {
  const { vocabSize: V, hidden: H, layers, positions, inner } = sizes;
  const p = new TrainableParams(uniform);
  // 1/√d rather than GPT-2's 0.02 (chosen for d = 768): at d = 64 the smaller init leaves attention uniform for
  // thousands of steps.
  const std = 1 / Math.sqrt(H);
  const residualStd = std / Math.sqrt(2 * layers); // GPT-2's scaled init of the projections into the residual stream
  p.normal("transformer.wte.weight", [V, H], std);
  // Learned positions start as a small sinusoid table instead of noise: relative offsets ("the previous token",
  // which recall needs) are then linear maps of the embeddings from step 0, which shortens the induction plateau.
  p.data("transformer.wpe.weight", [positions, H], sinusoidalPositions(positions, H).map((v) => 0.1 * v));
  for (let i = 0; i < layers; i++) {
    const b = `transformer.h.${i}`;
    p.fill(`${b}.ln_1.weight`, [H], 1);
    p.fill(`${b}.ln_1.bias`, [H], 0);
    p.normal(`${b}.attn.c_attn.weight`, [H, 3 * H], std);
    p.fill(`${b}.attn.c_attn.bias`, [3 * H], 0);
    p.normal(`${b}.attn.c_proj.weight`, [H, H], residualStd);
    p.fill(`${b}.attn.c_proj.bias`, [H], 0);
    p.fill(`${b}.ln_2.weight`, [H], 1);
    p.fill(`${b}.ln_2.bias`, [H], 0);
    p.normal(`${b}.mlp.c_fc.weight`, [H, inner], std);
    p.fill(`${b}.mlp.c_fc.bias`, [inner], 0);
    p.normal(`${b}.mlp.c_proj.weight`, [inner, H], residualStd * Math.sqrt(H / inner));
    p.fill(`${b}.mlp.c_proj.bias`, [H], 0);
  }
  p.fill("transformer.ln_f.weight", [H], 1);
  p.fill("transformer.ln_f.bias", [H], 0);
  return p;
}

/**
 * The training forward of GPT-2 — the same computation as `@inseqjs/transformers`' Gpt2Model on unpadded rows, but
 * with weight gradients: learned positions, pre-LN blocks, `gelu_new` MLP, tied head. Returns the logits at
 * positions `from … from + count − 1` of every row, `(batch · count, vocab)`, row-major by batch.
 */
export function gpt2Logits(params: TrainableParams, sizes: Gpt2Sizes, ids: tf.Tensor2D, from: number, count: number): tf.Tensor2D {
  return gpt2Forward(params, sizes, ids, from, count).logits;
}

/** {@link gpt2Logits} plus the residual stream after the first block, `(batch, len, hidden)`. */
export function gpt2Forward(params: TrainableParams, sizes: Gpt2Sizes, ids: tf.Tensor2D, from: number, count: number): { logits: tf.Tensor2D; firstBlock: tf.Tensor3D } {
  const w = (name: string) => params.get(name);
  const [batch, length] = ids.shape;
  const H = sizes.hidden;
  const wte = w("transformer.wte.weight") as tf.Tensor2D;
  let h = tf.add(embedOneHot(ids, wte), tf.slice(w("transformer.wpe.weight"), [0, 0], [length, H])) as tf.Tensor3D;
  const mask = additiveAttentionMask({ queryLength: length, causal: true });
  const scale = 1 / Math.sqrt(H / sizes.heads);
  let firstBlock = h;
  for (let i = 0; i < sizes.layers; i++) {
    const b = `transformer.h.${i}`;
    const lin = (x: tf.Tensor3D, name: string) => trainableLinear(x, w(`${b}.${name}.weight`) as tf.Tensor2D, w(`${b}.${name}.bias`) as tf.Tensor1D);
    const ln = (x: tf.Tensor3D, name: string) => layerNorm(x, w(`${b}.${name}.weight`) as tf.Tensor1D, w(`${b}.${name}.bias`) as tf.Tensor1D, LN_EPS);
    const [q, k, v] = tf.split(lin(ln(h, "ln_1"), "attn.c_attn"), 3, 2) as tf.Tensor3D[];
    const ctx = mergeHeads(attention(splitHeads(q, sizes.heads), splitHeads(k, sizes.heads), splitHeads(v, sizes.heads), mask, scale));
    h = tf.add(h, lin(ctx, "attn.c_proj"));
    h = tf.add(h, lin(geluNew(lin(ln(h, "ln_2"), "mlp.c_fc")), "mlp.c_proj"));
    if (i === 0) firstBlock = h;
  }
  h = layerNorm(h, w("transformer.ln_f.weight") as tf.Tensor1D, w("transformer.ln_f.bias") as tf.Tensor1D, LN_EPS);
  // a slice, not a gather: gather's gradient needs UnsortedSegmentSum, which wasm lacks
  const picked = tf.slice(h, [0, from, 0], [batch, count, H]);
  return { logits: tiedLogits(tf.reshape(picked, [batch * count, H]) as tf.Tensor2D, wte), firstBlock };
}

/**
 * A training-only linear probe that reads the previous token from the residual stream after the first block. Its
 * loss rewards the first block for moving each token's predecessor into its position — the "previous-token head"
 * that recall needs — which otherwise forms only after a long plateau. The probe is not part of the saved model.
 */
export interface PreviousTokenProbe {
  readonly weight: tf.Variable;
  /** Weight of the probe's loss next to the task loss. */
  readonly lossWeight: number;
}

/**
 * Mean next-token cross-entropy over the last `count` positions of `ids` (each predicting the token after it), plus
 * the weighted previous-token probe loss when a probe is given.
 */
export function gpt2Loss(params: TrainableParams, sizes: Gpt2Sizes, ids: tf.Tensor2D, count: number, probe?: PreviousTokenProbe): tf.Scalar {
  const [batch, length] = ids.shape;
  const input = tf.slice(ids, [0, 0], [batch, length - 1]) as tf.Tensor2D;
  const labels = tf.reshape(tf.slice(ids, [0, length - count], [batch, count]), [batch * count]) as tf.Tensor1D;
  const { logits, firstBlock } = gpt2Forward(params, sizes, input, length - 1 - count, count);
  const task = crossEntropy(logits, labels);
  if (!probe) return task;
  const n = batch * (length - 2);
  const states = tf.reshape(tf.slice(firstBlock, [0, 1, 0], [batch, length - 2, sizes.hidden]), [n, sizes.hidden]) as tf.Tensor2D;
  const previous = tf.reshape(tf.slice(input, [0, 0], [batch, length - 2]), [n]) as tf.Tensor1D;
  return tf.add(task, tf.mul(crossEntropy(matMulNN(states, probe.weight as tf.Tensor2D), previous), probe.lossWeight));
}
