import { makeMonotonic } from "./monotonic.js";
import type { VocabularySpace } from "./vocabularySpace.js";

/**
 * The DIG path of one token (inseq's `build_monotonic_path_embedding`): `nSteps` points, `(nSteps, hidden)`
 * row-major, from the baseline embedding (row 0) to the input embedding (row `nSteps − 1`). Walking from the input,
 * each anchor of `wordPath` is made monotonic with respect to the previous point and the baseline.
 */
export function buildMonotonicPath(space: VocabularySpace, wordPath: Int32Array, baseline: number, nSteps: number): Float32Array {
  const { data, hiddenSize: H } = space;
  const out = new Float32Array(nSteps * H);
  let previous = nSteps - 1;
  out.set(data.subarray(wordPath[0] * H, wordPath[0] * H + H), previous * H);
  for (let k = 1; k < wordPath.length; k++) {
    const row = nSteps - 1 - k;
    makeMonotonic(data, wordPath[k] * H, data, baseline * H, out, previous * H, H, nSteps, out, row * H);
    previous = row;
  }
  out.set(data.subarray(baseline * H, baseline * H + H), 0);
  return out;
}
