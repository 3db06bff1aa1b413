/**
 * Whether `anchor` lies between `input` and `baseline` in one dimension (inclusive), inseq's `get_monotonic_dims`
 * for a single coordinate: equal endpoints require the anchor to equal them too; NaN is never monotonic.
 */
export function isMonotonicDim(anchor: number, baseline: number, input: number): boolean {
  if (baseline > input) return baseline >= anchor && anchor >= input;
  if (baseline < input) return baseline <= anchor && anchor <= input;
  return baseline === input && anchor === input;
}

/**
 * Writes into `out` the anchor made monotonic between `input` and `baseline` (inseq's `make_monotonic_vec`): every
 * dimension where the anchor leaves the box is replaced by `input − (1/nSteps)·(input − baseline)`, computed in
 * float32 exactly as torch does (the scalar `1/nSteps` rounded to float32, each operation rounded). Returns the
 * number of replaced dimensions. Vectors are rows `[offset, offset + dim)` of their arrays.
 */
export function makeMonotonic(
  anchor: Float32Array, anchorOffset: number,
  baseline: Float32Array, baselineOffset: number,
  input: Float32Array, inputOffset: number,
  dim: number, nSteps: number,
  out: Float32Array, outOffset = 0,
): number {
  const c = Math.fround(1 / nSteps);
  let replaced = 0;
  for (let i = 0; i < dim; i++) {
    const a = anchor[anchorOffset + i];
    const b = baseline[baselineOffset + i];
    const x = input[inputOffset + i];
    if (isMonotonicDim(a, b, x)) {
      out[outOffset + i] = a;
    } else {
      out[outOffset + i] = x - Math.fround(c * Math.fround(x - b));
      replaced++;
    }
  }
  return replaced;
}

/**
 * inseq's greedy anchor score: Euclidean distance between the anchor and its monotonised version, compared as
 * the float32 squared sum (only replaced dimensions contribute). Allocation-free.
 */
export function greedyAnchorScore(
  anchor: Float32Array, anchorOffset: number,
  baseline: Float32Array, baselineOffset: number,
  input: Float32Array, inputOffset: number,
  dim: number, nSteps: number,
): number {
  const c = Math.fround(1 / nSteps);
  let sum = 0;
  for (let i = 0; i < dim; i++) {
    const a = anchor[anchorOffset + i];
    const b = baseline[baselineOffset + i];
    const x = input[inputOffset + i];
    if (isMonotonicDim(a, b, x)) continue;
    const m = Math.fround(x - Math.fround(c * Math.fround(x - b)));
    const d = Math.fround(a - m);
    sum += Math.fround(d * d);
  }
  return Math.fround(sum);
}

/** inseq's maxcount anchor score: `10000 − (number of monotonic dimensions)`; lower is better. */
export function maxcountAnchorScore(
  anchor: Float32Array, anchorOffset: number,
  baseline: Float32Array, baselineOffset: number,
  input: Float32Array, inputOffset: number,
  dim: number,
): number {
  let count = 0;
  for (let i = 0; i < dim; i++) {
    if (isMonotonicDim(anchor[anchorOffset + i], baseline[baselineOffset + i], input[inputOffset + i])) count++;
  }
  return 10000 - count;
}
