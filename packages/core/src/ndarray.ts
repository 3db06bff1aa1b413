/** A dense float32 array with a row-major shape: the host-side form of every attribution result. */
export interface NdArray {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/** Creates an {@link NdArray}, checking that `data` holds exactly `prod(shape)` values. */
export function ndarray(data: Float32Array | readonly number[], shape: readonly number[]): NdArray {
  const size = shape.reduce((a, b) => a * b, 1);
  const arr = data instanceof Float32Array ? data : Float32Array.from(data);
  if (arr.length !== size) throw new RangeError(`ndarray: ${arr.length} values do not fill shape [${shape.join(", ")}]`);
  return { data: arr, shape: [...shape] };
}

/** Nested JS arrays of an {@link NdArray} (NaN kept as NaN). */
export function toNested(a: NdArray): unknown {
  const build = (offset: number, dim: number): unknown => {
    if (dim === a.shape.length) return a.data[offset];
    const stride = a.shape.slice(dim + 1).reduce((x, y) => x * y, 1);
    return Array.from({ length: a.shape[dim] }, (_, i) => build(offset + i * stride, dim + 1));
  };
  return a.shape.length === 0 ? a.data[0] : build(0, 0);
}
