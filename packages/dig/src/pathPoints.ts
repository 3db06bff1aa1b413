import * as tf from "@tensorflow/tfjs-core";
import type { InputSide } from "@inseqjs/core";

/** One attributed stream of a step with the DIG path of each of its tokens. */
export interface PathStream {
  readonly side: InputSide;
  readonly batch: number;
  readonly length: number;
  readonly hidden: number;
  /** `batch × length` paths (row-major over batch then position), each `(nSteps, hidden)` from baseline to input. */
  readonly paths: readonly Float32Array[];
}

/**
 * Points `[from, from + count)` of every path as one `(count × batch, length, hidden)` tensor, copy-major (rows
 * `[point0: b0..bB−1, point1: ...]`), the layout of `StepForwardInputs` with `repeat = count`.
 */
export function pathPoints(stream: PathStream, from: number, count: number): tf.Tensor3D {
  const { batch: B, length: L, hidden: H, paths } = stream;
  const out = new Float32Array(count * B * L * H);
  for (let p = 0; p < count; p++) {
    for (let t = 0; t < B * L; t++) {
      out.set(paths[t].subarray((from + p) * H, (from + p + 1) * H), (p * B * L + t) * H);
    }
  }
  return tf.tensor3d(out, [count * B, L, H]);
}
