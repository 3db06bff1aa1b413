import * as tf from "@tensorflow/tfjs-core";
import type { AttributionStepInputs } from "../method.js";
import { inputGradients } from "./inputGradients.js";
import { forwardInputs } from "./stepSides.js";
import type { SideTensors } from "./stepSides.js";

/** Named tensors that are summed chunk by chunk along a path. */
export type TensorSums = Record<string, tf.Tensor>;

/** A path of `nPoints` points, evaluated `internalBatchSize` rows at a time. */
export interface PathChunking {
  readonly nPoints: number;
  /** Rows (points × batch) per forward, as Captum's `internal_batch_size`; at least one point. Default: all. */
  readonly internalBatchSize?: number;
  /** Inputs at points `[start, end)`, stacked copy-major: `((end−start)·batch, len, hidden)` per moving side. */
  pointsAt(start: number, end: number): SideTensors;
}

/** Path points per forward: Captum's `max(1, internal_batch_size // batch)`, capped at the path length. */
export function pointsPerForward(batchSize: number, nPoints: number, internalBatchSize?: number): number {
  if (internalBatchSize === undefined) return nPoints;
  return Math.min(nPoints, Math.max(1, Math.floor(internalBatchSize / batchSize)));
}

/** Calls `visit(start, end)` for consecutive chunks of at most {@link pointsPerForward} points. */
export function forEachPathChunk(batchSize: number, path: Omit<PathChunking, "pointsAt">, visit: (start: number, end: number) => void): void {
  const size = pointsPerForward(batchSize, path.nPoints, path.internalBatchSize);
  for (let start = 0; start < path.nPoints; start += size) visit(start, Math.min(path.nPoints, start + size));
}

/**
 * Σ over path chunks of `chunk(start, end)` (each call runs in its own `tf.tidy`). Only one chunk's
 * forward/backward is alive at a time, so peak memory is bounded by `internalBatchSize` while the sum equals the
 * single-batch one. Methods with their own gradient (layer methods: gradients w.r.t. an overridden layer) use this.
 */
export function sumOverChunks(batchSize: number, path: Omit<PathChunking, "pointsAt">, chunk: (start: number, end: number) => TensorSums): TensorSums {
  let total: TensorSums | undefined;
  forEachPathChunk(batchSize, path, (start, end) => {
    const previous = total;
    total = tf.tidy(() => {
      const part = chunk(start, end);
      return previous ? Object.fromEntries(Object.entries(part).map(([k, v]) => [k, tf.add(previous[k], v)])) : part;
    });
    if (previous) tf.dispose(Object.values(previous));
  });
  return total!;
}

/** {@link sumOverChunks} of `reduce(∇f w.r.t. the input embeddings at the chunk's points, start, end)`. */
export function sumOverPath(
  step: AttributionStepInputs,
  path: PathChunking & { reduce(grads: SideTensors, start: number, end: number): TensorSums },
): TensorSums {
  return sumOverChunks(step.batchSize, path, (start, end) => path.reduce(inputGradients(step, path.pointsAt(start, end), end - start), start, end));
}

/** Attributed-function scores `(nPoints·batch)` at every path point, copy-major, without gradients. */
export function scoresAlongPath(step: AttributionStepInputs, path: PathChunking): tf.Tensor1D {
  const parts: tf.Tensor1D[] = [];
  forEachPathChunk(step.batchSize, path, (start, end) => {
    parts.push(tf.tidy(() => step.forward(forwardInputs(path.pointsAt(start, end), end - start)).scores));
  });
  if (parts.length === 1) return parts[0];
  const all = tf.concat(parts) as tf.Tensor1D;
  tf.dispose(parts);
  return all;
}

/** `(count·batch)` coefficients repeating each of `alphas` once per batch row (copy-major). */
export function pointCoefficients(alphas: readonly number[], batchSize: number): tf.Tensor1D {
  return tf.tensor1d(alphas.flatMap((a) => Array<number>(batchSize).fill(a)));
}

/**
 * Points `b + c·(x − b)` for every coefficient `c` of `(count·batch)`, stacked copy-major. `input` / `baseline` hold
 * either one copy of the batch (tiled `count` times) or already all `count·batch` rows.
 */
export function pathPoints(input: tf.Tensor3D, baseline: tf.Tensor3D, coefficients: tf.Tensor1D): tf.Tensor3D {
  return tf.tidy(() => {
    const rows = coefficients.shape[0];
    const full = (t: tf.Tensor3D) => (t.shape[0] === rows ? t : tf.tile(t, [rows / t.shape[0], 1, 1]));
    const b = full(baseline);
    return tf.add(b, tf.mul(tf.reshape(coefficients, [-1, 1, 1]), tf.sub(full(input), b)));
  });
}

/** `Σ_k weights[k] · t[k]` over the copies of `(count·batch, len, hidden)` → `(batch, len, hidden)`. */
export function weightedCopySum(t: tf.Tensor3D, weights: readonly number[], batchSize: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [, len, hidden] = t.shape;
    const w = tf.reshape(tf.tensor1d(weights as number[]), [weights.length, 1, 1, 1]);
    return tf.sum(tf.mul(tf.reshape(t, [weights.length, batchSize, len, hidden]), w), 0) as tf.Tensor3D;
  });
}
