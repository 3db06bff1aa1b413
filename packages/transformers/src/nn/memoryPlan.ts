/**
 * Gradient checkpointing of decoder blocks: `"auto"` recomputes each block in the backward pass when the taped
 * activations of the whole stack would pass {@link RECOMPUTE_AUTO_BYTES}; `true` always, `false` never.
 * Values and gradients are the same either way (the recomputation runs the same kernels); it trades one more
 * forward of each block for keeping one `(batch, len, hidden)` input per block instead of all its intermediates.
 */
export type RecomputeMode = "auto" | boolean;

/** Inputs shorter than this attend in one shot (one additive mask); longer ones chunk by chunk. */
export const CHUNKED_ATTENTION_MIN_KEYS = 32;

/** Taped activation bytes of a forward above which `"auto"` recomputes blocks. */
export const RECOMPUTE_AUTO_BYTES = 512 * 2 ** 20;

/** Shape facts of a forward that decide the memory plan. */
export interface ForwardShape {
  readonly batch: number;
  readonly length: number;
  readonly layers: number;
  readonly hidden: number;
  /** MLP width. */
  readonly intermediate: number;
}

/**
 * float32 values a decoder block keeps for its backward pass per token when it is taped (measured on the Llama and
 * GPT-2 blocks with chunked attention: the inputs of its norms, projections and activations).
 */
export function tapedFloatsPerToken(hidden: number, intermediate: number): number {
  return 12 * hidden + 4 * intermediate;
}

/** Whether the forward of `shape` recomputes its blocks under `mode`. */
export function useRecompute(mode: RecomputeMode, shape: ForwardShape): boolean {
  if (mode !== "auto") return mode;
  const bytes = 4 * shape.batch * shape.length * shape.layers * tapedFloatsPerToken(shape.hidden, shape.intermediate);
  return bytes > RECOMPUTE_AUTO_BYTES;
}
