import { ENCODER_DECODER_MEMORY, ESTIMATE_MARGIN, GPT2_MEMORY, LLAMA_MEMORY } from "./memoryConstants.js";
import type { ArchitectureMemoryConstants, BlockValues } from "./memoryConstants.js";

/** The dimensions of a model that its activation memory depends on. */
export interface ModelMemoryShape {
  readonly family: "llama" | "gpt2" | "encoder-decoder";
  readonly hidden: number;
  /** Decoder MLP width. */
  readonly intermediate: number;
  /** Decoder blocks (decoder-only: all blocks). */
  readonly layers: number;
  readonly heads: number;
  /** Key/value heads (grouped-query attention when fewer than `heads`). */
  readonly kvHeads: number;
  readonly headDim: number;
  readonly vocab: number;
  /** Encoder-decoders: encoder blocks, MLP width and heads. */
  readonly encoderLayers?: number;
  readonly encoderIntermediate?: number;
  readonly encoderHeads?: number;
  /** Soft-capped attention logits (Gemma 2): attention is never chunked. */
  readonly unchunkedAttention?: boolean;
}

/** How the forward will run: the model's memory plan for one request. */
export interface ForwardMemoryPlan {
  /** Blocks recomputed in the backward (gradient checkpointing). */
  readonly recompute: boolean;
  /** Query rows per attention chunk; `undefined`: one-shot attention with `(batch, heads, L, L)` scores. */
  readonly attentionChunk?: number;
}

/** The shape of one pass. */
export interface ActivationRequest {
  readonly batch: number;
  readonly targetLength: number;
  readonly sourceLength?: number;
  readonly gradients: boolean;
}

/** Activation bytes of one pass, by part (each already × {@link ESTIMATE_MARGIN}), and its largest tensor. */
export interface ActivationEstimate {
  /** Kept block activations: every taped block's values, or each block's input plus one recomputed block. */
  readonly blocks: number;
  /** Attention scores: one chunk's working set, or every block's `(batch, heads, L, L)` scores and the mask. */
  readonly attention: number;
  /** Last-position logits, softmax and their gradients. */
  readonly logits: number;
  /** Weight-sized temporaries of one block's backward. */
  readonly weightTemporaries: number;
  readonly total: number;
  /** Bytes of the largest single tensor of the pass. */
  readonly largestTensor: number;
}

/** The calibrated constants of a family. */
export function memoryConstantsOf(family: ModelMemoryShape["family"]): ArchitectureMemoryConstants {
  return family === "llama" ? LLAMA_MEMORY : family === "gpt2" ? GPT2_MEMORY : ENCODER_DECODER_MEMORY;
}

const perToken = (v: BlockValues, hidden: number, intermediate: number, kv: number) => v.hidden * hidden + v.intermediate * intermediate + v.kv * kv;

/**
 * Peak activation bytes of one forward (+ backward with `gradients`) of `request` on a model of `shape` run as
 * `plan` says: a function of batch, lengths, hidden, intermediate, heads, kv heads, layers, vocabulary (logits at the
 * last position only), attention chunk and recomputation, with the per-block constants of `memoryConstants.ts`.
 * Without gradients nothing is kept for a backward, but the forward's own scope keeps its module outputs: the same
 * constants are used (an upper bound).
 */
export function estimateActivationBytes(shape: ModelMemoryShape, request: ActivationRequest, plan: ForwardMemoryPlan): ActivationEstimate {
  const c = memoryConstantsOf(shape.family);
  const B = request.batch;
  const T = request.targetLength;
  const H = shape.hidden;
  const kv = shape.kvHeads * shape.headDim;
  const group = shape.heads / shape.kvHeads;
  let blocks: number;
  let attention: number;
  let largest = Math.max(B * T * Math.max(H, shape.intermediate), B * shape.vocab);
  if (shape.family === "encoder-decoder") {
    const e = ENCODER_DECODER_MEMORY;
    const S = request.sourceLength ?? T;
    const eLayers = shape.encoderLayers ?? shape.layers;
    const eHeads = shape.encoderHeads ?? shape.heads;
    blocks = eLayers * B * S * perToken(c.taped, H, shape.encoderIntermediate ?? shape.intermediate, kv) + shape.layers * B * T * perToken(c.taped, H, shape.intermediate, kv);
    attention = c.scores * B * (eLayers * eHeads * S * S + shape.layers * shape.heads * (T * T + T * S)) + c.mask * B * T * T + e.sourceMask * B * S * S;
    largest = Math.max(largest, B * S * (shape.encoderIntermediate ?? shape.intermediate), B * Math.max(eHeads * S * S, shape.heads * T * Math.max(T, S)));
  } else {
    const layerValues = perToken(c.taped, H, shape.intermediate, kv);
    if (plan.recompute) {
      blocks = shape.layers * B * T * c.recomputeKeptHidden * H + B * T * perToken(c.recomputedBlock, H, shape.intermediate, kv);
    } else if (c.lastBlock) {
      blocks = (shape.layers - 1) * B * T * layerValues + B * T * perToken(c.lastBlock, H, shape.intermediate, kv);
    } else {
      blocks = shape.layers * B * T * layerValues;
    }
    if (plan.attentionChunk !== undefined) {
      const rows = Math.min(plan.attentionChunk, T);
      attention = c.attentionWork * group * rows * T;
      largest = Math.max(largest, group * rows * T);
    } else {
      attention = c.scores * (plan.recompute ? 1 : shape.layers) * B * shape.heads * T * T + c.mask * B * T * T;
      largest = Math.max(largest, B * shape.heads * T * T);
    }
  }
  const bytes = (values: number) => 4 * ESTIMATE_MARGIN * values;
  const parts = {
    blocks: bytes(blocks),
    attention: bytes(attention),
    logits: bytes(c.vocab * B * shape.vocab),
    weightTemporaries: bytes(c.weightWork * H * Math.max(shape.intermediate, shape.encoderIntermediate ?? 0)),
  };
  return { ...parts, total: parts.blocks + parts.attention + parts.logits + parts.weightTemporaries, largestTensor: 4 * largest };
}
