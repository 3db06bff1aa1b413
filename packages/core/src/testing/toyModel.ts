import * as tf from "@tensorflow/tfjs-core";
import { rescaleActivation } from "@inseqjs/backend-tfjs";
import { inseqError } from "../errors.js";
import { LAYER_INPUT_SUFFIX } from "../model.js";
import type { AttributionModel, ForwardInputs, ForwardOptions, ForwardOutput, ForwardStream, InputSide } from "../model.js";
import { mulberry32, normalSamples } from "./seededRandom.js";
import { TOY_SPECIAL_TOKENS, createToyTokenizer } from "./toyTokenizer.js";

/** Options of {@link createToyModel}. */
export interface ToyModelOptions {
  /** Words of the vocabulary; ids 0 `<eos>`, 1 `<unk>`, 2 `<pad>` come first, these words follow (duplicates dropped). */
  readonly vocab: readonly string[];
  readonly hiddenSize: number;
  /** Seed of the random weights: same seed, same model. */
  readonly seed: number;
  /** Adds an encoder whose masked mean-pooled output conditions every decoder position. */
  readonly encoderDecoder?: boolean;
  /** Factor applied to embedding-layer outputs (Marian's √d); default 1. */
  readonly embedScale?: number;
  /** Longest input (positions), default 64. */
  readonly maxPositions?: number;
  /**
   * How a block mixes positions: `"attention"` (default, softmax attention) or `"mean"` (causal mean of the values,
   * linear in the hidden states), which leaves tanh as the only non-linearity — elementwise, so DeepLIFT's Rescale
   * rule sums exactly to `f(x) − f(b)` with the `logit` attributed function.
   */
  readonly mixer?: "attention" | "mean";
}

const N_LAYERS = 2;
const NEG_INF = -1e9;
const tanh = <T extends tf.Tensor>(x: T): T => tf.tanh(x) as T;

/**
 * A tiny seeded, non-linear, causal sequence model implementing {@link AttributionModel}, for unit tests of methods.
 * Decoder: `h = embeds + pos (+ pooled encoder)`, then 2 blocks `h + tanh(attention(h)·Wo + bo)` with causal,
 * left-padding-aware softmax attention; logits = `h_last·Eᵀ/√d` at the last position. Named layers: `embed`,
 * `layers.0`, `layers.1` (and `encoder.embed`, `encoder.layers.0` for encoder-decoder toys), each also as
 * `name:input`, all capturable and overridable. Supports DeepLIFT's Rescale rule on its tanh non-linearities.
 */
export function createToyModel(options: ToyModelOptions): AttributionModel {
  const { hiddenSize: d, seed, encoderDecoder = false, embedScale = 1, maxPositions = 64, mixer = "attention" } = options;
  if (!Number.isInteger(d) || d < 1) throw inseqError("INVALID_OPTION", `createToyModel: hiddenSize must be a positive integer, got ${d}.`);
  const vocabulary = [...new Set([...TOY_SPECIAL_TOKENS, ...options.vocab])];
  const V = vocabulary.length;
  const uniform = mulberry32(seed);
  const weights: tf.Tensor[] = [];
  const param = <R extends tf.Rank>(shape: number[], std: number): tf.Tensor<R> => {
    const t = tf.tensor(normalSamples(uniform, shape.reduce((a, b) => a * b, 1), std), shape) as unknown as tf.Tensor<R>;
    weights.push(t);
    return t;
  };
  const E = param<tf.Rank.R2>([V, d], 1);
  const P = param<tf.Rank.R2>([maxPositions, d], 0.5);
  const layers = Array.from({ length: N_LAYERS }, () => ({
    q: param<tf.Rank.R2>([d, d], 1 / Math.sqrt(d)),
    k: param<tf.Rank.R2>([d, d], 1 / Math.sqrt(d)),
    v: param<tf.Rank.R2>([d, d], 1 / Math.sqrt(d)),
    o: param<tf.Rank.R2>([d, d], 1 / Math.sqrt(d)),
    bo: param<tf.Rank.R1>([d], 0.1),
  }));
  const enc = encoderDecoder
    ? { w: param<tf.Rank.R2>([d, d], 1 / Math.sqrt(d)), b: param<tf.Rank.R1>([d], 0.1), c: param<tf.Rank.R2>([d, d], 1 / Math.sqrt(d)), P: param<tf.Rank.R2>([maxPositions, d], 0.5) }
    : undefined;

  const names = [...(encoderDecoder ? ["encoder.embed", "encoder.layers.0"] : []), "embed", ...layers.map((_, l) => `layers.${l}`)];
  const known = new Set(names.flatMap((n) => [n, n + LAYER_INPUT_SUFFIX]));

  const linear = (x: tf.Tensor3D, w: tf.Tensor2D): tf.Tensor3D => {
    const [b, t] = x.shape;
    return tf.reshape(tf.matMul(tf.reshape(x, [b * t, d]), w), [b, t, d]);
  };
  const embedIds = (ids: tf.Tensor2D) => tf.gather(E, tf.cast(ids, "int32")) as unknown as tf.Tensor3D;
  const positions = (mask: tf.Tensor2D, table: tf.Tensor2D) =>
    tf.gather(table, tf.cast(tf.relu(tf.sub(tf.cumsum(mask, 1), 1)), "int32")) as unknown as tf.Tensor3D;

  const model: AttributionModel = {
    modelName: `toy-${encoderDecoder ? "encdec" : "causal"}${mixer === "mean" ? "-mean" : ""}-d${d}-seed${seed}`,
    modelClass: encoderDecoder ? "ToyEncoderDecoderModel" : "ToyCausalModel",
    isEncoderDecoder: encoderDecoder,
    tokenizer: createToyTokenizer(vocabulary, { appendEos: encoderDecoder }),
    specialTokens: encoderDecoder ? { eos: 0, unk: 1, pad: 2, decoderStart: 2 } : { bos: 0, eos: 0, unk: 1, pad: 2 },
    embedScale,
    hiddenSize: d,
    vocabSize: V,
    maxPositions,
    embeddingLayers: encoderDecoder ? { source: "encoder.embed", target: "embed" } : { target: "embed" },
    vocabularyEmbeddings: () => E,
    embed: (ids) => tf.tidy(() => tf.mul(embedIds(ids), embedScale) as tf.Tensor3D),
    supportsDeepLiftRescale: true,
    layerNames: () => [...names],
    dispose: () => weights.forEach((w) => w.dispose()),
    forward(inputs: ForwardInputs, opts: ForwardOptions = {}): ForwardOutput {
      for (const name of [...(opts.capture ?? []), ...Object.keys(opts.override ?? {})]) {
        if (!known.has(name)) throw inseqError("UNKNOWN_LAYER", `Toy model has no layer "${name}"; known layers: ${names.join(", ")} (each also with "${LAYER_INPUT_SUFFIX}").`);
      }
      const captured: Record<string, tf.Tensor> = {};
      const act = opts.deepLiftReference === "rescale" ? (x: tf.Tensor3D) => rescaleActivation(tanh, x) : tanh;
      const point = <T extends tf.Tensor>(name: string, value: T): T => {
        const replacement = opts.override?.[name];
        if (replacement && !tf.util.arraysEqual(replacement.shape, value.shape)) {
          throw inseqError("INVALID_OPTION", `Override of "${name}" has shape [${replacement.shape}] but the layer produces [${value.shape}]; pass a tensor of the same shape.`);
        }
        const out = (replacement ?? value) as T;
        if (opts.capture?.includes(name)) captured[name] = out;
        return out;
      };
      const streamEmbeds = (stream: ForwardStream, prefix: string): tf.Tensor3D => {
        if (stream.embeds) return stream.embeds;
        if (!stream.ids) throw inseqError("EMPTY_INPUT", `Toy model forward: the ${prefix || "target"} stream needs embeds or ids.`);
        const ids = point(`${prefix}embed${LAYER_INPUT_SUFFIX}`, stream.ids);
        return tf.mul(point(`${prefix}embed`, embedIds(ids)), embedScale) as tf.Tensor3D;
      };
      const maskOf = (stream: ForwardStream, x: tf.Tensor3D): tf.Tensor2D =>
        stream.mask ? tf.cast(stream.mask, "float32") : tf.ones([x.shape[0], x.shape[1]]);

      let h = streamEmbeds(inputs.target, "");
      const mask = maskOf(inputs.target, h);
      const [B, T] = h.shape;
      h = tf.add(h, positions(mask, P));
      if (enc) {
        if (!inputs.source) throw inseqError("EMPTY_INPUT", "Toy encoder-decoder forward needs a source stream.");
        const x = streamEmbeds(inputs.source, "encoder.");
        const srcMask = maskOf(inputs.source, x);
        const xin = point(`encoder.layers.0${LAYER_INPUT_SUFFIX}`, tf.add(x, positions(srcMask, enc.P)) as tf.Tensor3D);
        const s = point("encoder.layers.0", act(tf.add(linear(xin, enc.w), enc.b) as tf.Tensor3D) as tf.Tensor3D);
        const m3 = tf.expandDims(srcMask, 2);
        const pooled = tf.div(tf.sum(tf.mul(s, m3), 1), tf.maximum(tf.sum(m3, 1), 1)) as tf.Tensor2D;
        h = tf.add(h, tf.expandDims(tf.matMul(pooled, enc.c), 1));
      }
      // Additive attention bias from the (non-differentiated) mask: causal and blind to left padding.
      const causal = tf.linalg.bandPart(tf.ones([T, T]), -1, 0);
      const allowed = tf.mul(tf.expandDims(causal, 0), tf.expandDims(mask, 1));
      const bias = tf.mul(tf.sub(1, allowed), NEG_INF);
      const meanWeights = mixer === "mean" ? tf.div(allowed, tf.maximum(tf.sum(allowed, 2, true), 1)) : undefined;
      layers.forEach((w, l) => {
        const hin = point(`layers.${l}${LAYER_INPUT_SUFFIX}`, h);
        const weights =
          meanWeights ?? tf.softmax(tf.add(tf.div(tf.matMul(linear(hin, w.q), linear(hin, w.k), false, true), Math.sqrt(d)), bias));
        const ctx = tf.matMul(weights, linear(hin, w.v)) as tf.Tensor3D;
        h = point(`layers.${l}`, tf.add(hin, act(tf.add(linear(ctx, w.o), w.bo) as tf.Tensor3D)) as tf.Tensor3D);
      });
      const last = tf.reshape(tf.slice(h, [0, T - 1, 0], [B, 1, d]), [B, d]);
      const logits = tf.div(tf.matMul(last, E, false, true), Math.sqrt(d)) as tf.Tensor2D;
      return { logits, captured };
    },
  };
  return model;
}

/** Ids of whitespace-separated `words` in a toy model's vocabulary (unknown words → `<unk>`). */
export function toyIds(model: AttributionModel, text: string, side: InputSide = "target"): number[] {
  return model.tokenizer.encode(text, { addSpecialTokens: side === "source" });
}
