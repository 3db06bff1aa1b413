import type * as tf from "@tensorflow/tfjs-core";

/**
 * How one attention layer is masked: `chunked` — query-chunked attention that builds its causal / window / padding
 * masks per chunk from the `(batch, len)` key mask (long inputs); `additive` — one precomputed additive mask
 * tensor broadcastable to `(batch, heads, lenQ, lenK)` (short inputs, soft-capped scores).
 */
export type AttentionMasking =
  | { readonly kind: "chunked"; readonly keyMask: tf.Tensor2D | undefined; readonly window?: number; readonly chunkSize: number }
  | { readonly kind: "additive"; readonly mask: tf.Tensor | undefined };
