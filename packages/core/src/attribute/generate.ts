import * as tf from "@tensorflow/tfjs-core";
import type { AttributionModel } from "../model.js";
import { throwIfAborted } from "./throwIfAborted.js";

/** Options of {@link greedyGenerate}. */
export interface GreedyGenerateOptions {
  /** Most tokens to add (default 20). */
  readonly maxNewTokens?: number;
  /** Stop a sequence at EOS (default true). The EOS token is kept in the output. */
  readonly stopAtEos?: boolean;
}

/**
 * Greedy decoding through {@link AttributionModel.forward}, one sequence at a time (no padding), for any model
 * that implements the contract. Returns the full decoder ids: `prefix` followed by the generated ids. `signal` is
 * checked before every token (`ABORTED`).
 */
export async function greedyGenerate(
  model: AttributionModel,
  inputs: { readonly sourceIds?: readonly number[]; readonly prefix: readonly number[] },
  options: GreedyGenerateOptions = {},
  signal?: AbortSignal,
): Promise<number[]> {
  const maxNew = options.maxNewTokens ?? 20;
  const stopAtEos = options.stopAtEos ?? true;
  const ids = [...inputs.prefix];
  const limit = model.maxPositions;
  for (let i = 0; i < maxNew && ids.length < limit; i++) {
    throwIfAborted(signal);
    const next = tf.tidy(() => {
      const target = { ids: tf.tensor2d([ids], [1, ids.length], "int32") };
      const source = inputs.sourceIds ? { ids: tf.tensor2d([inputs.sourceIds as number[]], [1, inputs.sourceIds.length], "int32") } : undefined;
      const { logits } = model.forward({ source, target });
      return tf.argMax(logits, 1);
    });
    const id = (await next.data())[0];
    next.dispose();
    ids.push(id);
    if (stopAtEos && id === model.specialTokens.eos) break;
  }
  return ids;
}
