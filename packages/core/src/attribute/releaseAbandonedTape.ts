import * as tf from "@tensorflow/tfjs-core";

interface EngineTapeState {
  readonly state: { gradientDepth: number; activeTape: { saved?: tf.Tensor[] }[] | null };
}

/**
 * Frees the tensors that a gradient tape saved when an error ended its `tf.grads` early. tfjs disposes them only at
 * the end of a successful backward; after a throw (an out-of-memory error in the forward or backward, a bad option)
 * the tape is abandoned and the next `tf.grads` replaces it, leaking everything it held. Call it only where no
 * gradient computation is in progress (outside every `tf.grads`); it does nothing otherwise.
 */
export function releaseAbandonedTape(): void {
  const engine = tf.engine() as unknown as EngineTapeState;
  const tape = engine.state.activeTape;
  if (engine.state.gradientDepth !== 0 || !tape) return;
  for (const node of tape) for (const t of node.saved ?? []) t.dispose();
  engine.state.activeTape = null;
}
