import * as tf from "@tensorflow/tfjs-core";
import { guardWasmHeap, resetWasmPeak, wasmHeapUsage } from "@inseqjs/backend-tfjs";
import type { AttributionModel } from "@inseqjs/core";

/** What one forward (+ backward) of {@link measureAttributionMemory} held at its peak. */
export interface MeasuredAttributionMemory {
  /** Tensor bytes allocated before the pass (the weights, the inputs), `tf.memory().numBytes`. */
  readonly baselineBytes: number;
  /** High-water mark of `tf.memory().numBytes` during the pass (`tf.profile`'s `peakBytes`, sampled after each kernel). */
  readonly peakBytes: number;
  /** `peakBytes − baselineBytes`: what the activations of the pass needed on top of what was already held. */
  readonly activationBytes: number;
  /**
   * wasm only: high-water mark of the bytes the module held for tensors during the pass, each buffer once, minus
   * what it held before — the real need (`activationBytes` counts a buffer shared by several tensor objects, a
   * reshape or a copy saved for the backward, once per object).
   */
  readonly wasmActivationBytes?: number;
  /** wasm only: growth of the module's memory buffer during the pass (0 when the heap already had room). */
  readonly heapGrowthBytes?: number;
  /** wasm only, with `recordBuffers`: byte sizes of the buffers alive at the peak, largest first. */
  readonly peakBuffers?: readonly number[];
  /** wasm only: the module's memory buffer size after the pass. */
  readonly heapBytes?: number;
}

/**
 * Measures the real memory of one attribution forward — `tf.grads` of the summed last-position probabilities of
 * random tokens with respect to the input embeddings, as saliency and every path chunk compute it — on `batch` rows
 * of `targetLength` tokens (and `sourceLength` source tokens for encoder-decoders). Used to calibrate
 * `estimateAttributionMemory`; runs the real computation, so keep the shapes small.
 */
export async function measureAttributionMemory(
  model: AttributionModel,
  request: { readonly batch: number; readonly targetLength: number; readonly sourceLength?: number; readonly gradients?: boolean; readonly recordBuffers?: boolean },
): Promise<MeasuredAttributionMemory> {
  const { batch, targetLength } = request;
  const gradients = request.gradients ?? true;
  const ids = (len: number) => tf.tensor2d(Array.from({ length: batch * len }, (_, i) => 3 + ((i * 7919) % Math.max(1, model.vocabSize - 3))), [batch, len], "int32");
  const targetIds = ids(targetLength);
  const sourceIds = model.isEncoderDecoder ? ids(request.sourceLength ?? targetLength) : undefined;
  const target = model.embed(targetIds, "target");
  const source = sourceIds ? model.embed(sourceIds, "source") : undefined;
  const targetMask = tf.ones([batch, targetLength]) as tf.Tensor2D;
  const sourceMask = sourceIds ? (tf.ones(sourceIds.shape) as tf.Tensor2D) : undefined;
  const next = tf.tensor1d(Array.from({ length: batch }, (_, i) => 3 + i), "int32");
  const owned = [targetIds, target, targetMask, next, ...(sourceIds ? [sourceIds, source!, sourceMask!] : [])];
  try {
    const score = (t: tf.Tensor3D, s?: tf.Tensor3D): tf.Scalar => {
      const { logits } = model.forward({ target: { embeds: t, mask: targetMask }, source: s ? { embeds: s, mask: sourceMask } : undefined });
      const probs = tf.softmax(logits);
      return tf.sum(tf.mul(probs, tf.oneHot(next, model.vocabSize)));
    };
    guardWasmHeap();
    resetWasmPeak({ recordBuffers: request.recordBuffers });
    const wasm0 = wasmHeapUsage();
    const baselineBytes = tf.memory().numBytes;
    const profile = await tf.profile(() => {
      const out = tf.tidy(() => {
        if (!gradients) return [score(target, source)];
        return source ? tf.grads((t, s) => score(t as tf.Tensor3D, s as tf.Tensor3D))([target, source]) : tf.grads((t) => score(t as tf.Tensor3D))([target]);
      });
      for (const t of out) t.dataSync();
      tf.dispose(out);
    });
    const wasm1 = wasmHeapUsage();
    return {
      baselineBytes,
      peakBytes: profile.peakBytes,
      activationBytes: profile.peakBytes - baselineBytes,
      ...(wasm0 && wasm1 ? { wasmActivationBytes: wasm1.peakBytes - wasm0.liveBytes, ...(wasm1.peakBuffers ? { peakBuffers: wasm1.peakBuffers } : {}), heapGrowthBytes: wasm1.heapBytes - wasm0.heapBytes, heapBytes: wasm1.heapBytes } : {}),
    };
  } finally {
    tf.dispose(owned);
  }
}
