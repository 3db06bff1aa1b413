import * as tf from "@tensorflow/tfjs-core";
import type { LayerHooks } from "../layers/LayerHooks.js";
import type { Activation } from "./activationFunction.js";
import { activationModule } from "./activationModule.js";
import { layerNormModule } from "./layerNormModule.js";
import { linearModule } from "./linearModule.js";
import { multiHeadAttention } from "./multiHeadAttention.js";
import type { LayerNormParams, LinearParams } from "./params.js";

/** The projections of one BART-style attention module (`q_proj`, `k_proj`, `v_proj`, `out_proj`). */
export interface AttentionWeights {
  readonly q: LinearParams;
  readonly k: LinearParams;
  readonly v: LinearParams;
  readonly out: LinearParams;
}

/** One BART-style encoder layer; decoder layers add the cross-attention (`encoder_attn`). */
export interface EncoderDecoderLayerWeights {
  readonly selfAttn: AttentionWeights;
  readonly selfAttnLn: LayerNormParams;
  readonly crossAttn?: AttentionWeights;
  readonly crossAttnLn?: LayerNormParams;
  readonly fc1: LinearParams;
  readonly fc2: LinearParams;
  readonly finalLn: LayerNormParams;
}

/** How one layer computes: its module path, heads, activation and layer-norm placement. */
export interface EncoderDecoderLayerSpec {
  /** Module path, e.g. `model.decoder.layers.1`. */
  readonly name: string;
  readonly heads: number;
  readonly act: Activation;
  /** Pre-LN (mBART, M2M-100: normalise each sub-block's input) instead of post-LN (BART, Marian). */
  readonly preNorm: boolean;
}

/** The decoder's view of the encoder: its output states and the additive mask of the source padding. */
export interface CrossAttentionInput {
  readonly states: tf.Tensor3D;
  readonly mask: tf.Tensor | undefined;
}

/**
 * A BART-style attention module `p` (`self_attn` / `encoder_attn`): queries from `x`, keys and values from `kv`,
 * scores scaled by 1/√head_dim, additive `mask`; each projection is a named, hookable module.
 */
export function attentionModule(hooks: LayerHooks, p: string, a: AttentionWeights, x: tf.Tensor3D, kv: tf.Tensor3D, heads: number, mask: tf.Tensor | undefined): tf.Tensor3D {
  const q = linearModule(hooks, `${p}.q_proj`, x, a.q);
  const k = linearModule(hooks, `${p}.k_proj`, kv, a.k);
  const v = linearModule(hooks, `${p}.v_proj`, kv, a.v);
  const ctx = multiHeadAttention(q, k, v, heads, mask, 1 / Math.sqrt(x.shape[2] / heads));
  return linearModule(hooks, `${p}.out_proj`, ctx, a.out);
}

/**
 * One encoder (or, with `cross`, decoder) layer of the BART family, Hugging Face's `BartEncoderLayer` /
 * `BartDecoderLayer` (post-LN: `LN(x + f(x))`) or `MBartEncoderLayer` / `M2M100DecoderLayer` (pre-LN:
 * `x + f(LN(x))`): self-attention, cross-attention over the encoder states, then `fc2(act(fc1(·)))`.
 */
export function encoderDecoderLayer(hooks: LayerHooks, spec: EncoderDecoderLayerSpec, l: EncoderDecoderLayerWeights, x: tf.Tensor3D, selfMask: tf.Tensor | undefined, cross?: CrossAttentionInput): tf.Tensor3D {
  const p = spec.name;
  const block = (input: tf.Tensor3D, ln: LayerNormParams, lnName: string, f: (v: tf.Tensor3D) => tf.Tensor3D): tf.Tensor3D => {
    if (spec.preNorm) return tf.add(input, f(layerNormModule(hooks, lnName, input, ln))) as tf.Tensor3D;
    return layerNormModule(hooks, lnName, tf.add(input, f(input)) as tf.Tensor3D, ln);
  };
  let h = block(x, l.selfAttnLn, `${p}.self_attn_layer_norm`, (v) => hooks.module(`${p}.self_attn`, v, (u) => attentionModule(hooks, `${p}.self_attn`, l.selfAttn, u, u, spec.heads, selfMask)));
  if (cross) {
    h = block(h, l.crossAttnLn!, `${p}.encoder_attn_layer_norm`, (v) =>
      hooks.module(`${p}.encoder_attn`, v, (u) => attentionModule(hooks, `${p}.encoder_attn`, l.crossAttn!, u, cross.states, spec.heads, cross.mask)),
    );
  }
  return block(h, l.finalLn, `${p}.final_layer_norm`, (v) => {
    const inner = activationModule(hooks, `${p}.activation_fn`, linearModule(hooks, `${p}.fc1`, v, l.fc1), spec.act);
    return linearModule(hooks, `${p}.fc2`, inner, l.fc2);
  });
}
