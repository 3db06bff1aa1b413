/** Options of {@link WeightSource.readFloat32}. */
export interface WeightReadOptions {
  /** Read a 2-D tensor `(rows, cols)` as `(cols, rows)` (an `nn.Linear` weight in `x·W` layout), in the same pass. */
  readonly transpose?: boolean;
}

/** Values read by {@link WeightSource.readFloat32}. */
export interface WeightValues {
  /** The values; possibly a view of the file's bytes: read them, never write to them. */
  readonly values: Float32Array;
  /** `true` / `false` when reading already found them all finite / not; `undefined` when it did not look. */
  readonly allFinite: boolean | undefined;
}

/** Host-side access to the tensors of a checkpoint, by parameter name. */
export interface WeightSource {
  /** Where the weights come from, for messages. */
  readonly location: string;
  /** Every tensor name in the checkpoint. */
  names(): string[];
  /** Shape of `name`, or `undefined` when the checkpoint does not hold it. */
  shape(name: string): readonly number[] | undefined;
  /** Values of `name` as float32 (F16 / BF16 converted), in an array the caller owns. */
  read(name: string): Float32Array;
  /**
   * Fast path for loading (optional): values of `name` as float32 without copies where the stored bytes allow
   * (a view of aligned F32 data), converted / transposed in one pass, with the finiteness seen on the way.
   */
  readFloat32?(name: string, options?: WeightReadOptions): WeightValues;
  /**
   * Fast path for loading (optional): writes the float32 values of `name` into `dst` (exactly as long; e.g. the
   * compute backend's own memory), transposed when asked, and returns whether they are all finite (`undefined`:
   * not looked at). Nothing else is allocated per tensor.
   */
  readInto?(name: string, dst: Float32Array, options?: WeightReadOptions): boolean | undefined;
}
