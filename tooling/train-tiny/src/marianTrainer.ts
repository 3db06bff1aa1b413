import * as tf from "@tensorflow/tfjs-core";
import { additiveAttentionMask, attention, layerNorm, mergeHeads, silu, splitHeads } from "@inseqjs/backend-tfjs";
import { sinusoidalPositions } from "@inseqjs/transformers";
import { TrainableParams } from "./TrainableParams.js";
import { crossEntropy, embedOneHot, tiedLogits, trainableLinear } from "./trainOps.js";

/** Sizes of a Marian (`MarianMTModel`) to train: shared vocabulary, tied head, sinusoidal positions. */
export interface MarianSizes {
  readonly vocabSize: number;
  readonly hidden: number;
  readonly encoderLayers: number;
  readonly decoderLayers: number;
  readonly heads: number;
  readonly ffn: number;
  readonly positions: number;
}

const LN_EPS = 1e-5;

/** Marian parameters under Hugging Face's names (`nn.Linear` weights trained `(in, out)`, stored `(out, in)`), seeded. */
export function initMarian(sizes: MarianSizes, uniform: () => number): TrainableParams {
  const { vocabSize: V, hidden: H, ffn } = sizes;
  const p = new TrainableParams(uniform);
  p.normal("model.shared.weight", [V, H], 1 / Math.sqrt(H));
  p.fill("final_logits_bias", [V], 0, { reshape: [1, V] });
  const linear = (name: string, inDim: number, outDim: number) => {
    p.normal(`${name}.weight`, [inDim, outDim], 1 / Math.sqrt(inDim), "transposed");
    p.fill(`${name}.bias`, [outDim], 0);
  };
  const ln = (name: string) => {
    p.fill(`${name}.weight`, [H], 1);
    p.fill(`${name}.bias`, [H], 0);
  };
  const attention = (name: string) => {
    for (const proj of ["q_proj", "k_proj", "v_proj", "out_proj"]) linear(`${name}.${proj}`, H, H);
    ln(`${name}_layer_norm`);
  };
  const layer = (name: string, cross: boolean) => {
    attention(`${name}.self_attn`);
    if (cross) attention(`${name}.encoder_attn`);
    linear(`${name}.fc1`, H, ffn);
    linear(`${name}.fc2`, ffn, H);
    ln(`${name}.final_layer_norm`);
  };
  for (let i = 0; i < sizes.encoderLayers; i++) layer(`model.encoder.layers.${i}`, false);
  for (let i = 0; i < sizes.decoderLayers; i++) layer(`model.decoder.layers.${i}`, true);
  return p;
}

/** One training batch: right-padded source and decoder input (`[start] + target`), labels (`target + </s>`). */
export interface MarianBatch {
  readonly sourceIds: tf.Tensor2D;
  /** `(batch, sourceLen)` 1 for tokens, 0 for padding. */
  readonly sourceMask: tf.Tensor2D;
  readonly decoderIds: tf.Tensor2D;
  readonly labels: tf.Tensor2D;
  /** `(batch, targetLen)` 1 where a label counts. */
  readonly labelMask: tf.Tensor2D;
}

/**
 * The training forward of Marian — the computation of `@inseqjs/transformers`' MarianModel (embeddings × √d plus
 * sinusoidal positions, post-LN layers, swish, cross-attention over the masked source, tied head plus
 * `final_logits_bias`) at every decoder position, with weight gradients. Returns `(batch · targetLen, vocab)` logits.
 */
export function marianLogits(params: TrainableParams, sizes: MarianSizes, batch: Omit<MarianBatch, "labels" | "labelMask">): tf.Tensor2D {
  const w = (name: string) => params.get(name);
  const H = sizes.hidden;
  const table = w("model.shared.weight") as tf.Tensor2D;
  const positions = (length: number) => tf.tensor2d(sinusoidalPositions(length, H), [length, H]);
  const embed = (ids: tf.Tensor2D) => tf.add(tf.mul(embedOneHot(ids, table), Math.sqrt(H)), positions(ids.shape[1])) as tf.Tensor3D;
  const lin = (x: tf.Tensor3D, name: string) => trainableLinear(x, w(`${name}.weight`) as tf.Tensor2D, w(`${name}.bias`) as tf.Tensor1D);
  const ln = (x: tf.Tensor3D, name: string) => layerNorm(x, w(`${name}.weight`) as tf.Tensor1D, w(`${name}.bias`) as tf.Tensor1D, LN_EPS);
  const scale = 1 / Math.sqrt(H / sizes.heads);
  const attend = (name: string, x: tf.Tensor3D, kv: tf.Tensor3D, mask: tf.Tensor | undefined) => {
    const heads = (t: tf.Tensor3D) => splitHeads(t, sizes.heads);
    const ctx = mergeHeads(attention(heads(lin(x, `${name}.q_proj`)), heads(lin(kv, `${name}.k_proj`)), heads(lin(kv, `${name}.v_proj`)), mask, scale));
    return ln(tf.add(x, lin(ctx, `${name}.out_proj`)), `${name}_layer_norm`);
  };
  const feedForward = (name: string, x: tf.Tensor3D) => ln(tf.add(x, lin(silu(lin(x, `${name}.fc1`)), `${name}.fc2`)), `${name}.final_layer_norm`);

  const sourceMask = additiveAttentionMask({ queryLength: batch.sourceIds.shape[1], keyMask: batch.sourceMask });
  let h = embed(batch.sourceIds);
  for (let i = 0; i < sizes.encoderLayers; i++) {
    const p = `model.encoder.layers.${i}`;
    h = feedForward(p, attend(`${p}.self_attn`, h, h, sourceMask));
  }
  const [b, length] = batch.decoderIds.shape;
  const causal = additiveAttentionMask({ queryLength: length, causal: true });
  let y = embed(batch.decoderIds);
  for (let i = 0; i < sizes.decoderLayers; i++) {
    const p = `model.decoder.layers.${i}`;
    y = feedForward(p, attend(`${p}.encoder_attn`, attend(`${p}.self_attn`, y, y, causal), h, sourceMask));
  }
  return tf.add(tiedLogits(tf.reshape(y, [b * length, H]) as tf.Tensor2D, table), w("final_logits_bias")) as tf.Tensor2D;
}

/** Mean cross-entropy of the labels where `labelMask` is 1 (teacher forcing). */
export function marianLoss(params: TrainableParams, sizes: MarianSizes, batch: MarianBatch): tf.Scalar {
  const n = batch.labels.size;
  return crossEntropy(marianLogits(params, sizes, batch), tf.reshape(batch.labels, [n]) as tf.Tensor1D, tf.reshape(batch.labelMask, [n]) as tf.Tensor1D);
}
