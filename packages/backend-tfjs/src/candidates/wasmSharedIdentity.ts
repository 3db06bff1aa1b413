import * as tf from "@tensorflow/tfjs-core";

interface RefCountingBackend {
  incRef(dataId: tf.DataId): void;
}

let shared = false;

/**
 * Makes tfjs-wasm's `Identity` kernel share its input's buffer (a reference count) instead of copying it, as the
 * cpu and webgl backends do. Tensors are immutable, so a shared buffer is safe; and every tensor that a gradient
 * tape saves goes through `Identity` (`tf.clone`): with the copying kernel each saved activation existed twice in the
 * wasm heap (e.g. a decoder block's taped forward held 2× its activations). Idempotent.
 */
export function shareWasmIdentity(): void {
  if (shared) return;
  const original = tf.getKernel("Identity", "wasm");
  if (!original) return;
  tf.unregisterKernel("Identity", "wasm");
  tf.registerKernel({
    kernelName: "Identity",
    backendName: "wasm",
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (x.dtype === "string") return original.kernelFunc(args);
      (args.backend as unknown as RefCountingBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
  shared = true;
}
