/**
 * Reduces the values of one attribution cell along its per-dimension axis (the hidden size of a token) to a
 * single score. NaN inputs (cells outside a step's prefix) must give NaN.
 */
export type AggregationFunction = (values: Float32Array) => number;
