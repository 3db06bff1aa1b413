import * as tf from "@tensorflow/tfjs-core";
import type { VocabularySpace } from "./vocabularySpace.js";
import { heapPush, simultaneousSort, sklearnScanPlan } from "./sklearnArgKmin.js";

/** How the vocabulary scan computes its dot products: one tfjs matMul per batch of queries, or plain JS loops. */
export type KnnCompute = "tfjs" | "js";

/** Dot products of a batch of query rows with every vocabulary row, `(queries × vocab)` row-major. */
export interface QueryDots {
  readonly values: Float32Array | Float64Array;
  /** Multiplies `values` into dot products of scaled rows. */
  readonly factor: number;
  /** Bound on `|approx − exact|` of a squared distance, per unit of `‖row‖·‖query‖`. */
  readonly errorPerNorm: number;
}

function queryMatrixTransposed(space: VocabularySpace, queries: readonly number[]): Float32Array {
  const { data, hiddenSize: H } = space;
  const Q = queries.length;
  const qT = new Float32Array(H * Q);
  queries.forEach((id, q) => {
    for (let i = 0; i < H; i++) qT[i * Q + q] = data[id * H + i];
  });
  return qT;
}

/**
 * Starts `(matrix · queriesᵀ)ᵀ`, `(queries, vocab)`, on the active tfjs backend: the plain, untransposed matMul that
 * wasm runs fast, then a cheap transpose so that each query's distances are contiguous for the selection.
 * `matrix` is the unscaled `(vocab, hidden)` table (`factor` = embedScale) or the scaled one (`factor` 1).
 */
export function tfjsQueryDots(space: VocabularySpace, matrix: tf.Tensor2D, factor: number, queries: readonly number[]): tf.Tensor2D {
  const qT = queryMatrixTransposed(space, queries);
  return tf.tidy(() => tf.transpose(tf.matMul(matrix, tf.tensor2d(qT, [space.hiddenSize, queries.length]))) as tf.Tensor2D);
}

/** Error bound of float32 dot products of length `hidden` on the active backend (fp16 WebGL included). */
export function tfjsErrorPerNorm(hidden: number): number {
  const unit = Math.max(2 ** -24, tf.backend().epsilon());
  return 4 * (hidden + 4) * unit;
}

/** Dot products in float64 JS loops (exact up to double rounding), one pass over the vocabulary per batch. */
export function jsQueryDots(space: VocabularySpace, queries: readonly number[]): QueryDots {
  const { data, vocabSize: V, hiddenSize: H } = space;
  const Q = queries.length;
  const values = new Float64Array(V * Q);
  const offsets = queries.map((id) => id * H);
  for (let j = 0; j < V; j++) {
    const row = j * H;
    for (let q = 0; q < Q; q++) {
      const qo = offsets[q];
      let s = 0;
      for (let i = 0; i < H; i++) s += data[row + i] * data[qo + i];
      values[q * V + j] = s;
    }
  }
  return { values, factor: 1, errorPerNorm: 4 * (H + 4) * 2 ** -53 };
}

/**
 * The `k` nearest neighbours of vocabulary row `query` exactly as scikit-learn's `kneighbors_graph(E, k)` lists
 * them (brute force, Euclidean, sklearn 1.9 with `threads` OpenMP threads): the `k + 1` closest rows (the query
 * included) kept by sklearn's heaps fed in its order, introsorted, then the query itself dropped (or, when duplicates
 * push it out, the first row). Approximate distances from `dots` only skip rows that provably cannot enter the heap
 * they are offered to; every other row is measured exactly (float64 sum of squared differences), so float32 dot
 * products never change the result.
 */
export function selectNeighbours(space: VocabularySpace, query: number, column: number, dots: QueryDots, k: number, threads = 8): Int32Array {
  const { data, vocabSize: V, hiddenSize: H, squaredNorms, norms } = space;
  const size = k + 1;
  const qo = query * H;
  const qq = squaredNorms[query];
  const qn = norms[query];
  const { values: dv, factor, errorPerNorm } = dots;
  const scan = (start: number, end: number, values: Float64Array, indices: Int32Array) => {
    for (let j = start; j < end; j++) {
      const max = values[0];
      if (max !== Infinity) {
        const approx = squaredNorms[j] + qq - 2 * factor * dv[column * V + j];
        const slack = errorPerNorm * norms[j] * qn + 1e-12 * (squaredNorms[j] + qq);
        if (approx - slack > max) continue;
      }
      const ro = j * H;
      let s = 0;
      for (let i = 0; i < H; i++) {
        const d = data[qo + i] - data[ro + i];
        s += d * d;
      }
      heapPush(values, indices, size, s, j);
    }
  };
  const fresh = (): [Float64Array, Int32Array] => [new Float64Array(size).fill(Infinity), new Int32Array(size).fill(-1)];
  const [values, indices] = fresh();
  const plan = sklearnScanPlan(V, threads);
  for (const [start, end] of plan.ranges) {
    if (!plan.parallelOnY) {
      scan(start, end, values, indices);
      continue;
    }
    const [tv, ti] = fresh();
    scan(start, end, tv, ti);
    for (let a = 0; a < size; a++) heapPush(values, indices, size, tv[a], ti[a]);
  }
  simultaneousSort(values, indices, size);
  let drop = indices.indexOf(query);
  if (drop < 0) drop = 0;
  const out = new Int32Array(k);
  for (let i = 0, o = 0; i < size; i++) if (i !== drop) out[o++] = indices[i];
  return out;
}
