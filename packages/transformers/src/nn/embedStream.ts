import * as tf from "@tensorflow/tfjs-core";
import type { ForwardStream } from "@inseqjs/core";
import type { LayerHooks } from "../layers/LayerHooks.js";

/** The embedding module of one input side. */
export interface EmbeddingCall {
  /** Module name, then aliases (`["model.shared", "model.encoder.embed_tokens"]`). */
  readonly names: readonly string[];
  /** `(vocab, hidden)` table. */
  readonly table: tf.Tensor2D;
  /** Factor applied after the embedding module (√d_model for Marian, 1 for GPT-2). */
  readonly scale: number;
}

/**
 * Input embeddings of a stream: its `embeds` as given (already scaled), or its `ids` through the named embedding
 * module (a gather of the constant table: its output is the unscaled embedding) times `scale`.
 */
export function embedStream(hooks: LayerHooks, stream: ForwardStream, call: EmbeddingCall): tf.Tensor3D {
  if (stream.embeds) return stream.embeds;
  const ids = stream.ids!.dtype === "int32" ? stream.ids! : tf.cast(stream.ids!, "int32");
  const embedded = hooks.module(call.names, ids, (i) => tf.gather(call.table, i) as unknown as tf.Tensor3D);
  return call.scale === 1 ? embedded : tf.mul(embedded, call.scale);
}
