import * as tf from "@tensorflow/tfjs-core";
import type { StepFunctionContext } from "./stepFunction.js";
import { registerStepFunction } from "./stepFunctionRegistry.js";

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

/** Softmax probability of the target token (`logprob: true` for its log). inseq's `probability`. */
export function probability({ logits, targetIds, args }: StepFunctionContext): tf.Tensor1D {
  return tf.tidy(() => {
    const logp = gatherTargets(tf.logSoftmax(logits) as tf.Tensor2D, targetIds);
    return args.logprob ? logp : (tf.exp(logp) as tf.Tensor1D);
  });
}

/** Raw logit of the target token. inseq's `logit`. */
export function logit({ logits, targetIds }: StepFunctionContext): tf.Tensor1D {
  return gatherTargets(logits, targetIds);
}

registerStepFunction("probability", probability, { description: "softmax probability of the target token (logprob: log-probability)" });
registerStepFunction("logit", logit, { description: "logit of the target token" });
