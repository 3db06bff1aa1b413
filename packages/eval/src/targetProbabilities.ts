import * as tf from "@tensorflow/tfjs-core";
import { getStepFunction, type AttributionModel } from "@inseqjs/core";
import type { InputRow } from "./replaceFeatures.js";

/**
 * Probability of `targetId` after each row (core's `probability` step function on `model.forward`), in chunks of
 * `batchSize` rows. All rows must have the same source and prefix lengths (perturbations of one step do).
 */
export function targetProbabilities(model: AttributionModel, rows: readonly InputRow[], targetId: number, batchSize: number): Float64Array {
  const out = new Float64Array(rows.length);
  const probability = getStepFunction("probability");
  for (let start = 0; start < rows.length; start += batchSize) {
    const chunk = rows.slice(start, start + batchSize);
    const probs = tf.tidy(() => {
      const n = chunk.length;
      const target = { ids: tf.tensor2d(chunk.map((r) => [...r.prefixIds]), [n, chunk[0].prefixIds.length], "int32") };
      const source = chunk[0].sourceIds ? { ids: tf.tensor2d(chunk.map((r) => [...r.sourceIds!]), [n, chunk[0].sourceIds.length], "int32") } : undefined;
      const { logits } = model.forward({ source, target });
      return probability({ logits, targetIds: tf.fill([n], targetId, "int32") as tf.Tensor1D, model, args: {} });
    });
    const values = probs.dataSync();
    probs.dispose();
    out.set(values, start);
  }
  return out;
}
