import type { BlockValues } from "../memory/memoryConstants.js";

/**
 * Gradient checkpointing of decoder blocks: `"auto"` recomputes each block in the backward pass when the taped
 * activations of the whole stack would pass {@link RECOMPUTE_AUTO_BYTES}; `true` always, `false` never.
 * Values and gradients are the same either way (the recomputation runs the same kernels); it trades one more
 * forward of each block for keeping one `(batch, len, hidden)` input per block instead of all its intermediates.
 */
export type RecomputeMode = "auto" | boolean;

/** Inputs shorter than this attend in one shot (one additive mask); longer ones chunk by chunk. */
export const CHUNKED_ATTENTION_MIN_KEYS = 32;

/**
 * Taped activation bytes of a forward above which `"auto"` recomputes blocks: 1.5 GiB, so that with the weights and
 * XNNPACK's packed copies a taped forward stays well inside the 4 GiB of wasm (SmolLM2-135M: taped up to ~680 tokens
 * of one row, recomputed beyond; recomputation costs about a third more time).
 */
export const RECOMPUTE_AUTO_BYTES = 1.5 * 2 ** 30;

/** Shape facts of a forward that decide the memory plan. */
export interface ForwardShape {
  readonly batch: number;
  readonly length: number;
  readonly layers: number;
  readonly hidden: number;
  /** MLP width. */
  readonly intermediate: number;
  /** Key / value width (`kvHeads · headDim`; 0 where the family's constants do not use it). */
  readonly kvDim: number;
  /** The family's calibrated values kept per token by a taped block (`memory/memoryConstants.ts`). */
  readonly taped: BlockValues;
}

/** Bytes a forward of `shape` keeps for its backward when every block is taped (no recomputation). */
export function tapedActivationBytes(shape: ForwardShape): number {
  const perToken = shape.taped.hidden * shape.hidden + shape.taped.intermediate * shape.intermediate + shape.taped.kv * shape.kvDim;
  return 4 * shape.batch * shape.length * shape.layers * perToken;
}

/** Whether the forward of `shape` recomputes its blocks under `mode`. */
export function useRecompute(mode: RecomputeMode, shape: ForwardShape): boolean {
  if (mode !== "auto") return mode;
  return tapedActivationBytes(shape) > RECOMPUTE_AUTO_BYTES;
}
