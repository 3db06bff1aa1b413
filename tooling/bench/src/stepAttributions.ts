/** Per-step attributions of one sequence: for each attributed step, the `(prefixLen · hidden)` values, row-major. */
export interface StepAttributions {
  readonly hidden: number;
  readonly steps: readonly Float32Array[];
}

/**
 * Splits a raw `(targetLen, nSteps, hidden)` attribution matrix (NaN where a token is not attributed at a step) into
 * per-step `(prefixLen, hidden)` blocks, the prefix of step k being the tokens before `promptLength + k`.
 */
export function stepAttributionsOf(data: Float32Array, shape: readonly [number, number, number], promptLength: number): StepAttributions {
  const [len, nSteps, hidden] = shape;
  const steps: Float32Array[] = [];
  for (let k = 0; k < nSteps; k++) {
    const prefix = promptLength + k;
    if (prefix > len) throw new Error(`stepAttributionsOf: step ${k} needs ${prefix} tokens, the matrix has ${len}.`);
    const out = new Float32Array(prefix * hidden);
    for (let j = 0; j < prefix; j++) out.set(data.subarray((j * nSteps + k) * hidden, (j * nSteps + k + 1) * hidden), j * hidden);
    steps.push(out);
  }
  return { hidden, steps };
}

/** Σ of every value of each step. */
export function stepSums(a: StepAttributions): number[] {
  return a.steps.map((s) => s.reduce((acc, v) => acc + v, 0));
}

/** Σ |value| of each step. */
export function stepAbsSums(a: StepAttributions): number[] {
  return a.steps.map((s) => s.reduce((acc, v) => acc + Math.abs(v), 0));
}
