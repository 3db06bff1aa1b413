import * as tf from "@tensorflow/tfjs-core";

/** One kernel invocation seen by {@link recordKernels}. */
export interface KernelCall {
  readonly name: string;
  readonly attrs: Readonly<Record<string, unknown>>;
}

type RunKernel = (name: string, inputs: unknown, attrs?: Record<string, unknown>) => unknown;

/**
 * Runs `f` synchronously and returns every kernel the tfjs engine dispatched meanwhile (forward and gradient ops
 * alike) — a diagnostic for performance traps such as transposed matMuls on wasm.
 */
export function recordKernels(f: () => void): KernelCall[] {
  const engine = tf.engine() as unknown as { runKernel: RunKernel };
  const original = engine.runKernel;
  const calls: KernelCall[] = [];
  engine.runKernel = function (this: unknown, name, inputs, attrs) {
    calls.push({ name, attrs: { ...(attrs ?? {}) } });
    return original.call(this, name, inputs, attrs);
  };
  try {
    f();
  } finally {
    engine.runKernel = original;
  }
  return calls;
}

/** The matMul kernel calls among `calls` that used a transpose flag (slow on wasm, STACK.md §3). */
export function transposedMatMuls(calls: readonly KernelCall[]): KernelCall[] {
  return calls.filter((c) => (c.name === "BatchMatMul" || c.name === "_FusedMatMul") && (c.attrs.transposeA || c.attrs.transposeB));
}
