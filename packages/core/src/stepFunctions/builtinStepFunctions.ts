import * as tf from "@tensorflow/tfjs-core";
import type { StepFunctionContext } from "./stepFunction.js";
import { booleanArg } from "./stepFunctionArgs.js";

/** Picks `values[row, targetIds[row]]` for every row. */
export function gatherTargets(values: tf.Tensor2D, targetIds: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const depth = values.shape[1];
    // one-hot product instead of gather: differentiable on every backend (wasm lacks UnsortedSegmentSum).
    // oneHot's own float32 output is wrong on wasm (tfjs 4.22 writes int bits: 1.4e-45), so build int32 and cast.
    const oneHot = tf.cast(tf.oneHot(tf.cast(targetIds, "int32"), depth), "float32");
    return tf.sum(tf.mul(values, oneHot), 1) as tf.Tensor1D;
  });
}

/** Log-probability of each row's target token: `logSoftmax(logits)[row, target]`. */
export function targetLogProbability(logits: tf.Tensor2D, targetIds: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => gatherTargets(tf.logSoftmax(logits) as tf.Tensor2D, targetIds));
}

/** Softmax probability of the target token (`logprob: true` for its log). inseq's `probability`. */
export function probability({ logits, targetIds, args }: StepFunctionContext): tf.Tensor1D {
  return tf.tidy(() => {
    const logp = targetLogProbability(logits, targetIds);
    return booleanArg(args, "logprob", false) ? logp : (tf.exp(logp) as tf.Tensor1D);
  });
}

/** Raw logit of the target token. inseq's `logit`. */
export function logit({ logits, targetIds }: StepFunctionContext): tf.Tensor1D {
  return gatherTargets(logits, targetIds);
}

/** Entropy (nats) of the next-token distribution, `−Σ p log p`; the target is not used. inseq's `entropy`. */
export function entropy({ logits }: StepFunctionContext): tf.Tensor1D {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    return tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1)) as tf.Tensor1D;
  });
}

/** Cross entropy of the target token in nats, `−log p(target)` (torch `F.cross_entropy`). inseq's `crossentropy`. */
export function crossentropy({ logits, targetIds }: StepFunctionContext): tf.Tensor1D {
  return tf.tidy(() => tf.neg(targetLogProbability(logits, targetIds)) as tf.Tensor1D);
}

/**
 * Perplexity of the target token exactly as inseq 0.6 computes it: `2 ** crossentropy`, with the cross entropy in
 * nats (so `p^(−1/ln 2)`, not `1/p`). inseq's `perplexity`.
 */
export function perplexity(ctx: StepFunctionContext): tf.Tensor1D {
  return tf.tidy(() => tf.pow(tf.scalar(2), crossentropy(ctx)) as tf.Tensor1D);
}
