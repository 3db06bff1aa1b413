/** Trapezoidal area under `values` sampled at equally spaced points of [0, 1] (one point: that value). */
export function areaUnderCurve(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  if (n === 1) return values[0];
  let area = 0;
  for (let i = 1; i < n; i++) area += (values[i - 1] + values[i]) / 2;
  return area / (n - 1);
}
