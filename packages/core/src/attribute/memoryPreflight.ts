import { asOutOfMemoryError, inseqError } from "../errors.js";
import type { AttributionMethod } from "../method.js";
import type { AttributionMemoryEstimate, AttributionMemoryRequest, AttributionModel } from "../model.js";
import { pointsPerForward } from "../pathMath/pathIntegral.js";
import type { PreparedSequence } from "./prepareSequences.js";
import { canStackSteps } from "./stepBatching.js";

/** `1.50 GiB`, `64.0 MiB`. */
function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
}

/**
 * Rows of the largest forward of `method` for a step of `batch` rows: its own {@link AttributionMethod.forwardRows},
 * else from the resolved options — path points (`nSteps`, `nSamples`) per forward as `internalBatchSize` chunks
 * them (Captum's `max(1, internal_batch_size // batch)` points), × 2 for the DeepLIFT family (inputs and
 * references in one batch); 1 point for the others (saliency, input × gradient, gradient × activation).
 */
export function forwardRows<TOptions>(method: AttributionMethod<TOptions>, options: TOptions, batch: number): number {
  if (method.forwardRows) return method.forwardRows(options, batch);
  const o = (options ?? {}) as Readonly<Record<string, unknown>>;
  const points = typeof o.nSteps === "number" ? o.nSteps : typeof o.nSamples === "number" ? o.nSamples : 1;
  const internal = typeof o.internalBatchSize === "number" ? o.internalBatchSize : undefined;
  const perForward = pointsPerForward(batch, points, internal);
  return perForward * batch * (/deeplift/i.test(method.methodName) ? 2 : 1);
}

/** What one attribution batch of `sequences` runs at its largest: step rows and the longest prefix (and source). */
export function largestStep(model: AttributionModel, sequences: readonly PreparedSequence[], stepBatchSize: number): { rows: number; targetLength: number; sourceLength?: number } {
  if (model.isEncoderDecoder) {
    return {
      rows: sequences.length,
      targetLength: Math.max(...sequences.map((s) => s.attrPosEnd - 1)),
      sourceLength: Math.max(...sequences.map((s) => s.sourceIds!.length)),
    };
  }
  // decoder-only: left-padded rows; step t explains token t from the prefix [0, t) in padded coordinates
  const maxTarget = Math.max(...sequences.map((s) => s.targetIds.length));
  const targetLength = Math.max(...sequences.map((s) => maxTarget - s.targetIds.length + s.attrPosEnd - 1));
  const stacked = stepBatchSize > 1 && canStackSteps(model, sequences);
  const rows = stacked ? sequences.reduce((n, s) => n + Math.min(stepBatchSize, s.attrPosEnd - s.attrPosStart), 0) : sequences.length;
  return { rows, targetLength };
}

/** Fraction of the limit an attribution may plan to use: the rest absorbs what the estimate does not see. */
export const MEMORY_HEADROOM = 0.95;

/**
 * The memory check before an attribution runs: estimates the largest forward (+ backward) of the run through
 * {@link AttributionModel.estimateAttributionMemory} and throws `OUT_OF_MEMORY` — naming the estimate, the limit,
 * the backend and the fixes — when the backend cannot hold it on top of what it holds already (or when its largest
 * tensor is larger than the backend accepts). Nothing is checked for models without the method or without a known
 * limit. The limit travels in the model's estimate: core does not import the backend adapter, the model knows
 * which backend holds its weights.
 */
export function checkAttributionMemory<TOptions>(
  model: AttributionModel,
  method: AttributionMethod<TOptions>,
  methodOptions: TOptions,
  batches: readonly (readonly PreparedSequence[])[],
  stepBatchSize: number,
): AttributionMemoryEstimate | undefined {
  if (!model.estimateAttributionMemory || batches.length === 0) return undefined;
  let worst: { estimate: AttributionMemoryEstimate; request: AttributionMemoryRequest; stepRows: number } | undefined;
  for (const batch of batches) {
    const step = largestStep(model, batch, stepBatchSize);
    const request: AttributionMemoryRequest = {
      batch: forwardRows(method, methodOptions, step.rows),
      targetLength: step.targetLength,
      ...(step.sourceLength !== undefined ? { sourceLength: step.sourceLength } : {}),
      gradients: true,
    };
    let estimate: AttributionMemoryEstimate;
    try {
      estimate = model.estimateAttributionMemory(request);
    } catch (e) {
      throw asOutOfMemoryError(e, "The memory estimate");
    }
    if (!worst || estimate.bytes > worst.estimate.bytes) worst = { estimate, request, stepRows: step.rows };
  }
  const { estimate: e, request, stepRows } = worst!;
  if (e.limitBytes === undefined) return e;
  const inUse = e.inUseBytes ?? e.residentBytes;
  const needed = e.bytes - e.residentBytes;
  const tooLarge = e.maxTensorBytes !== undefined && e.largestTensorBytes !== undefined && e.largestTensorBytes > e.maxTensorBytes;
  if (inUse + needed <= e.limitBytes * MEMORY_HEADROOM && !tooLarge) return e;
  const backend = e.backend ?? "compute";
  const shape = `${request.batch} row${request.batch === 1 ? "" : "s"} (${stepRows} step row${stepRows === 1 ? "" : "s"} × ${request.batch / stepRows} path point${request.batch === stepRows ? "" : "s"}) of ${request.targetLength} target tokens${request.sourceLength !== undefined ? ` and ${request.sourceLength} source tokens` : ""}`;
  const parts = Object.entries(e.breakdown).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${formatBytes(v)}`).join(", ");
  const what = tooLarge
    ? `its largest tensor would be ${formatBytes(e.largestTensorBytes!)}, over the ${formatBytes(e.maxTensorBytes!)} one ${backend} tensor can hold`
    : `it needs about ${formatBytes(needed)} more (estimate ${formatBytes(e.bytes)}: ${parts}), but the ${backend} backend can hold ${formatBytes(e.limitBytes)} (${e.limitSource ?? "limit"}) and already holds ${formatBytes(inUse)}`;
  const o = (methodOptions ?? {}) as Readonly<Record<string, unknown>>;
  const fixes = [
    "a shorter prompt or generated text",
    request.batch > stepRows ? `a smaller internalBatchSize${typeof o.internalBatchSize === "number" ? ` (now ${o.internalBatchSize})` : " (now: the whole path in one forward)"}` : undefined,
    stepRows > 1 ? "a smaller batchSize or stepBatchSize" : undefined,
    e.plan?.includes("every block taped") ? "block recomputation (recompute: true on the model)" : undefined,
    `another backend (${backend === "wasm" ? "wasm holds at most 4 GiB; webgpu, or tensorflow from @tensorflow/tfjs-node" : "wasm, webgpu or tensorflow"})`,
  ].filter((f): f is string => f !== undefined);
  throw inseqError(
    "OUT_OF_MEMORY",
    `${model.modelClass} "${model.modelName}": the largest forward/backward of this attribution, ${shape}${e.plan ? `, ${e.plan}` : ""}, cannot fit: ${what}. Nothing was run. Use ${fixes.join(", or ")}. If the limit is wrong, set INSEQJS_MEMORY_LIMIT_BYTES (e.g. 8GiB).`,
  );
}
