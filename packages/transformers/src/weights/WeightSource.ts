/** Host-side access to the tensors of a checkpoint, by parameter name. */
export interface WeightSource {
  /** Where the weights come from, for messages. */
  readonly location: string;
  /** Every tensor name in the checkpoint. */
  names(): string[];
  /** Shape of `name`, or `undefined` when the checkpoint does not hold it. */
  shape(name: string): readonly number[] | undefined;
  /** Values of `name` as float32 (F16 / BF16 converted). */
  read(name: string): Float32Array;
}
