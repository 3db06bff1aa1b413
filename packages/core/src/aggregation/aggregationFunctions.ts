import type { AggregationFunction } from "./aggregationFunction.js";

function hasNaN(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) return true;
  return false;
}

/** Euclidean (L2) norm: inseq's `vnorm`, the default for gradient attributions. */
export const vnorm: AggregationFunction = (values) => {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] * values[i];
  return Math.sqrt(s);
};

/** Sum of the values (inseq's `sum`). */
export const sum: AggregationFunction = (values) => {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
};

/** Arithmetic mean (inseq's `mean`); NaN for an empty axis. */
export const mean: AggregationFunction = (values) => (values.length === 0 ? NaN : sum(values) / values.length);

/** Product of the values (inseq's `prod`). */
export const prod: AggregationFunction = (values) => {
  let p = 1;
  for (let i = 0; i < values.length; i++) p *= values[i];
  return p;
};

/** Largest value (inseq's `max`); NaN if any value is NaN, as in torch. */
export const max: AggregationFunction = (values) => {
  if (values.length === 0 || hasNaN(values)) return NaN;
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > m) m = values[i];
  return m;
};

/** Smallest value (inseq's `min`); NaN if any value is NaN, as in torch. */
export const min: AggregationFunction = (values) => {
  if (values.length === 0 || hasNaN(values)) return NaN;
  let m = Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] < m) m = values[i];
  return m;
};

/** The value of largest magnitude with its sign kept (inseq's `absmax`: `[0.3, -0.7, 0.1] → -0.7`), first one on ties. */
export const absmax: AggregationFunction = (values) => {
  if (values.length === 0 || hasNaN(values)) return NaN;
  let best = values[0];
  for (let i = 1; i < values.length; i++) if (Math.abs(values[i]) > Math.abs(best)) best = values[i];
  return best;
};
