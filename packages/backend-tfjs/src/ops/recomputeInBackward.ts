import * as tf from "@tensorflow/tfjs-core";

interface EngineTapeState {
  state: { activeTape: unknown };
}

/**
 * Runs `fn` under a gradient tape of its own while another backward pass is running: tfjs's `gradients()` starts
 * a fresh tape when it is not nested in a forward, replacing (and at its end clearing) the tape of the backward
 * pass in progress. The outer tape is put back afterwards, so the outer pass still disposes its saved tensors.
 */
function withOwnTape<T>(fn: () => T): T {
  const engine = tf.engine() as unknown as EngineTapeState;
  const outer = engine.state.activeTape;
  try {
    return fn();
  } finally {
    engine.state.activeTape = outer;
  }
}

/**
 * Gradient checkpointing of one block: `fn(x, constants)` runs without recording anything for the backward pass
 * (its intermediates are freed at once); only `x` and `constants` are kept, and the backward recomputes the block
 * under a tape of its own to get `∂/∂x`. Memory of a stack of blocks drops from every block's intermediates to
 * one `x` per block plus the working set of one block, for one more forward of the block. The gradient flows to
 * `x` only: `constants` (masks, rotary tables, ...) and the weights `fn` closes over are treated as constants.
 * Values and gradients are those of `fn` itself (same kernels, same order).
 */
export function recomputeInBackward<T extends tf.Tensor>(fn: (x: T, constants: readonly tf.Tensor[]) => T, x: T, constants: readonly tf.Tensor[] = []): T {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const input = args[0] as T;
    save([input, ...constants]);
    return {
      value: fn(input, constants),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [kept, ...keptConstants] = saved;
        // tidy: the recomputed output (and every temporary) would otherwise live until the whole backward ends
        return tf.tidy(() => withOwnTape(() => tf.grads((a: tf.Tensor) => fn(a as T, keptConstants))([kept], dy)[0]));
      },
    };
  });
  return op(x) as T;
}
