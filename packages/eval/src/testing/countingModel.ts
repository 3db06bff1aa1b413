import * as tf from "@tensorflow/tfjs-core";
import type { AttributionModel, ForwardInputs } from "@inseqjs/core";
import { createToyTokenizer } from "@inseqjs/core/testing";

/** Vocabulary of {@link createCountingModel}: the toy specials, then `a b c y`. */
export const COUNTING_VOCAB = ["<eos>", "<unk>", "<pad>", "a", "b", "c", "y"] as const;

/**
 * A model whose probabilities are computable by hand: the logit of `y` is `2·#a + #b` over every input token
 * (source and prefix), every other logit is 0. So p(y) = e^z / (e^z + 6) with z = 2·#a + #b.
 */
export function createCountingModel(encoderDecoder = false): AttributionModel {
  const V = COUNTING_VOCAB.length;
  const weights = tf.tensor1d([0, 0, 0, 2, 1, 0, 0]);
  const yRow = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d([6], "int32"), V), "float32"));
  const counts = (ids: tf.Tensor2D) => tf.sum(tf.cast(tf.oneHot(tf.cast(ids, "int32"), V), "float32"), 1);
  return {
    modelName: "counting",
    modelClass: "CountingModel",
    isEncoderDecoder: encoderDecoder,
    tokenizer: createToyTokenizer(COUNTING_VOCAB, { appendEos: encoderDecoder }),
    specialTokens: encoderDecoder ? { eos: 0, unk: 1, pad: 2, decoderStart: 2 } : { eos: 0, unk: 1, pad: 2 },
    embedScale: 1,
    hiddenSize: 1,
    vocabSize: V,
    maxPositions: 16,
    embeddingLayers: { target: "embed" },
    vocabularyEmbeddings: () => {
      throw new Error("not used");
    },
    embed: () => {
      throw new Error("not used");
    },
    forward(inputs: ForwardInputs) {
      return tf.tidy(() => {
        let c = counts(inputs.target.ids!);
        if (inputs.source?.ids) c = tf.add(c, counts(inputs.source.ids));
        const z = tf.sum(tf.mul(c, weights), 1, true);
        return { logits: tf.mul(z, yRow) as tf.Tensor2D, captured: {} };
      });
    },
    layerNames: () => [],
    dispose: () => {
      weights.dispose();
      yRow.dispose();
    },
  };
}

/** p(y) of the counting model for `z = 2·#a + #b`. */
export function countingProbability(z: number): number {
  return Math.exp(z) / (Math.exp(z) + 6);
}
