import type * as tf from "@tensorflow/tfjs-core";
import { backendMemory } from "@inseqjs/backend-tfjs";
import type { BackendMemory } from "@inseqjs/backend-tfjs";
import { inseqError } from "@inseqjs/core";
import type { AttributionMemoryEstimate, AttributionMemoryRequest } from "@inseqjs/core";
import { useRecompute } from "../nn/memoryPlan.js";
import type { RecomputeMode } from "../nn/memoryPlan.js";
import { estimateActivationBytes, memoryConstantsOf } from "./estimateActivationBytes.js";
import type { ForwardMemoryPlan, ModelMemoryShape } from "./estimateActivationBytes.js";
import { WASM_ALLOCATOR_OVERHEAD, WASM_PACKED_WEIGHTS } from "./memoryConstants.js";
import { modelMemoryShape } from "./modelMemoryShape.js";

/** What {@link estimateTransformersMemory} needs to know of a model. */
export interface TransformersMemoryInput {
  readonly modelClass: string;
  readonly modelType: string;
  /** The architecture's parsed config (`model.config`). */
  readonly config: unknown;
  readonly recompute: RecomputeMode;
  readonly attentionChunking: { readonly minKeys: number; readonly chunkSize: number };
  /** Bytes of the parameters the model holds (tied weights once). */
  readonly parameterBytes: number;
}

/** The forward's memory plan for one request: the decisions the architectures' `run` makes, made here the same way. */
export function forwardMemoryPlan(shape: ModelMemoryShape, input: TransformersMemoryInput, request: AttributionMemoryRequest): ForwardMemoryPlan {
  const c = memoryConstantsOf(shape.family);
  const recompute = c.recomputes && useRecompute(input.recompute, {
    batch: request.batch,
    length: request.targetLength,
    layers: shape.layers,
    hidden: shape.hidden,
    intermediate: shape.intermediate,
    kvDim: shape.kvHeads * shape.headDim,
    taped: c.taped,
  });
  const chunked = c.chunkedAttention && !shape.unchunkedAttention && request.targetLength >= input.attentionChunking.minKeys;
  return { recompute, ...(chunked ? { attentionChunk: input.attentionChunking.chunkSize } : {}) };
}

/** `BackendMemory` of the active backend; a malformed `INSEQJS_MEMORY_LIMIT_BYTES` becomes `INVALID_OPTION`. */
function activeBackendMemory(): BackendMemory {
  try {
    return backendMemory();
  } catch (e) {
    throw inseqError("INVALID_OPTION", e instanceof Error ? e.message : String(e), e);
  }
}

/**
 * {@link AttributionMemoryEstimate} of a Transformers model: the parameter bytes it holds plus the activations of
 * {@link estimateActivationBytes} under the model's plan (recomputation, attention chunks), plus, on wasm, the
 * allocator's overhead and XNNPACK's packed weight copies (module memory that no tensor accounts for); with the
 * active backend's limit and use ({@link backendMemory}). Architectures without
 * calibrated constants report the weights only and no limit (nothing is checked).
 */
export function estimateTransformersMemory(input: TransformersMemoryInput, request: AttributionMemoryRequest): AttributionMemoryEstimate {
  const memory = activeBackendMemory();
  const shape = modelMemoryShape(input.modelType, input.config);
  const limits = {
    limitBytes: memory.limitBytes, limitSource: memory.limitSource, inUseBytes: memory.inUseBytes, backend: memory.backend,
    ...(memory.maxTensorBytes !== undefined ? { maxTensorBytes: memory.maxTensorBytes } : {}),
  };
  if (!shape) return { bytes: input.parameterBytes, breakdown: { weights: input.parameterBytes }, residentBytes: input.parameterBytes, backend: memory.backend };
  const plan = forwardMemoryPlan(shape, input, request);
  const a = estimateActivationBytes(shape, request, plan);
  const wasm = memory.backend === "wasm";
  const overhead = wasm ? WASM_ALLOCATOR_OVERHEAD * a.total : 0;
  const packed = wasm ? WASM_PACKED_WEIGHTS * input.parameterBytes : 0;
  const breakdown: Record<string, number> = {
    weights: input.parameterBytes,
    blockActivations: a.blocks,
    attention: a.attention,
    logits: a.logits,
    weightTemporaries: a.weightTemporaries,
    ...(wasm ? { allocatorOverhead: overhead, packedWeights: packed } : {}),
  };
  const how = `${plan.recompute ? "blocks recomputed in the backward" : "every block taped"}, ${plan.attentionChunk !== undefined ? `attention in chunks of ${plan.attentionChunk} query rows` : "one-shot attention"}`;
  return {
    bytes: input.parameterBytes + a.total + overhead + packed,
    breakdown,
    residentBytes: input.parameterBytes,
    largestTensorBytes: a.largestTensor,
    plan: how,
    ...limits,
  };
}

/** Bytes of a set of tensors, each buffer once (tied weights are one tensor, or share one buffer). */
export function tensorBytes(tensors: Iterable<tf.Tensor>): number {
  const seen = new Set<object>();
  let bytes = 0;
  for (const t of tensors) {
    if (t.isDisposed || seen.has(t.dataId)) continue;
    seen.add(t.dataId);
    bytes += t.size * (t.dtype === "float32" || t.dtype === "int32" ? 4 : t.dtype === "bool" ? 1 : 8);
  }
  return bytes;
}
