import * as tf from "@tensorflow/tfjs-core";
import { matMulTransposedB } from "./matMulTransposedB.js";

type Layout = "inOut" | "outIn";

function product(x: tf.Tensor2D, weight: tf.Tensor2D, layout: Layout, bias?: tf.Tensor1D): tf.Tensor2D {
  // Plain matMul + add: tfjs-wasm's _FusedMatMul is ~6× slower than its BatchMatMul on the same shapes.
  const y: tf.Tensor2D = layout === "inOut" ? tf.matMul(x, weight) : matMulTransposedB(x, weight);
  return bias ? (tf.add(y, bias) as tf.Tensor2D) : y;
}

// The weights are frozen model parameters: the custom gradient only flows to `x`, which skips the weight-gradient
// matMul (a third of the backward cost) and keeps every product untransposed. The 3-D ↔ 2-D reshapes happen inside
// the op, off the gradient tape: a taped reshape keeps a copy of its input (a full copy on wasm) for its gradient.
function constantWeightProduct<T extends tf.Tensor2D | tf.Tensor3D>(x: T, weight: tf.Tensor2D, layout: Layout, inDim: number, outDim: number, bias?: tf.Tensor1D): T {
  const lead = x.shape.slice(0, -1);
  const rows = lead.reduce((a, b) => a * b, 1);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.reshape(product(tf.reshape(args[0] as tf.Tensor, [rows, inDim]) as tf.Tensor2D, weight, layout, bias), [...lead, outDim]),
    // tfjs runs a custom gradFunc eagerly in the scope of the whole backward pass: without a tidy of its own, its
    // temporaries (a transposed weight per call) would live until the backward ends
    gradFunc: (dy: tf.Tensor) =>
      tf.tidy(() => {
        const d = tf.reshape(dy, [rows, outDim]) as tf.Tensor2D;
        return tf.reshape(layout === "inOut" ? matMulTransposedB(d, weight) : tf.matMul(d, weight), [...lead, inDim]);
      }),
  }));
  return op(x) as T;
}

function apply<T extends tf.Tensor2D | tf.Tensor3D>(x: T, weight: tf.Tensor2D, layout: Layout, bias: tf.Tensor1D | undefined, name: string): T {
  const inDim = layout === "inOut" ? weight.shape[0] : weight.shape[1];
  const outDim = layout === "inOut" ? weight.shape[1] : weight.shape[0];
  if (x.rank !== 2 && x.rank !== 3) throw new Error(`${name}: x must have rank 2 or 3, got [${x.shape}].`);
  if (x.shape[x.rank - 1] !== inDim) throw new Error(`${name}: x [${x.shape}] does not match weight [${weight.shape}] (${layout}).`);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== outDim)) throw new Error(`${name}: bias [${bias.shape}] must be [${outDim}].`);
  return constantWeightProduct(x, weight, layout, inDim, outDim, bias);
}

/**
 * `x · W + bias` for `x` of rank 2 `(n, in)` or 3 `(batch, len, in)` and `W (in, out)` (GPT-2's Conv1D layout; pre-transpose
 * `nn.Linear` weights once at load). 3-D inputs are reshaped to 2-D around the product. Only untransposed matMuls run,
 * forward and backward; the gradient flows to `x` only (weights and bias are treated as constants).
 */
export function linear<T extends tf.Tensor2D | tf.Tensor3D>(x: T, weight: tf.Tensor2D, bias?: tf.Tensor1D): T {
  return apply(x, weight, "inOut", bias, "linear");
}

/**
 * `x · Wᵀ + bias` for `W (out, in)` kept in `nn.Linear` layout — for a weight shared with an embedding table (a tied
 * LM head), which cannot be pre-transposed without a second copy. Untransposed kernels only; gradient to `x` only.
 */
export function linearTransposed<T extends tf.Tensor2D | tf.Tensor3D>(x: T, weight: tf.Tensor2D, bias?: tf.Tensor1D): T {
  return apply(x, weight, "outIn", bias, "linearTransposed");
}
