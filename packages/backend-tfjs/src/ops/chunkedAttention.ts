import * as tf from "@tensorflow/tfjs-core";
import { attentionChunks, paddingRows } from "./attentionChunks.js";
import type { AttentionChunk } from "./attentionChunks.js";

/** Query rows per chunk of {@link chunkedAttention} unless told otherwise. */
export const DEFAULT_ATTENTION_CHUNK = 256;

/** Options of {@link chunkedAttention}. */
export interface ChunkedAttentionOptions {
  /** Score scale (default `1/√headDim`). */
  readonly scale?: number;
  /** Causal attention, queries aligned to the last keys (`lenQ ≤ lenK`). */
  readonly causal?: boolean;
  /** `(batch, lenK)` 1 for real keys, 0 for padding (a constant: read once, no gradient). */
  readonly keyMask?: tf.Tensor2D;
  /** Sliding window: a query sees only its last `window` keys (Mistral / Qwen / Gemma 2 local layers). */
  readonly window?: number;
  /** Query rows per chunk (default {@link DEFAULT_ATTENTION_CHUNK}). */
  readonly chunkSize?: number;
}

interface Geometry {
  readonly batch: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly group: number;
  readonly lenQ: number;
  readonly lenK: number;
  readonly headDim: number;
  readonly scale: number;
  readonly chunks: readonly AttentionChunk[];
  readonly padding: (Float32Array | undefined)[];
}

function geometry(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, o: ChunkedAttentionOptions): Geometry {
  const [batch, heads, lenQ, headDim] = q.shape;
  const [kb, kvHeads, lenK, kd] = k.shape;
  if (kb !== batch || kd !== headDim || heads % kvHeads !== 0 || !tf.util.arraysEqual(k.shape, v.shape) || (o.causal && lenQ > lenK)) {
    throw new Error(`chunkedAttention: q [${q.shape}], k [${k.shape}] and v [${v.shape}] do not fit (heads a multiple of kv heads, causal lenQ ≤ lenK).`);
  }
  if (o.keyMask && (o.keyMask.shape[0] !== batch || o.keyMask.shape[1] !== lenK)) {
    throw new Error(`chunkedAttention: key mask [${o.keyMask.shape}] must be [${batch}, ${lenK}].`);
  }
  const chunkSize = o.chunkSize ?? DEFAULT_ATTENTION_CHUNK;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new Error(`chunkedAttention: chunkSize must be a positive integer, got ${chunkSize}.`);
  return {
    batch,
    heads,
    kvHeads,
    group: heads / kvHeads,
    lenQ,
    lenK,
    headDim,
    scale: o.scale ?? 1 / Math.sqrt(headDim),
    chunks: attentionChunks({ queryLength: lenQ, keyLength: lenK, causal: o.causal ?? false, window: o.window, chunkSize }),
    padding: paddingRows(o.keyMask?.dataSync(), batch, lenK),
  };
}

/** Rows `[from, to)` of a 2-D tensor (the tensor itself when that is all of it). */
function rows(t: tf.Tensor2D, from: number, to: number): tf.Tensor2D {
  return from === 0 && to === t.shape[0] ? t : tf.slice(t, [from, 0], [to - from, t.shape[1]]);
}

/** Columns `[from, to)` of a 2-D tensor. */
function columns(t: tf.Tensor2D, from: number, to: number): tf.Tensor2D {
  return from === 0 && to === t.shape[1] ? t : tf.slice(t, [0, from], [t.shape[0], to - from]);
}

/** `(group·chunk, headDim)` query rows of one chunk, group-major (the group's heads stacked). */
function chunkRows(perGroup: tf.Tensor3D, c: AttentionChunk): tf.Tensor2D {
  const [group, , d] = perGroup.shape;
  return tf.reshape(tf.slice(perGroup, [0, c.start, 0], [group, c.end - c.start, d]), [group * (c.end - c.start), d]);
}

/** The additive mask tensors of one batch row: each chunk's causal/window mask plus the row's padding, or none. */
type ChunkMasks = readonly (tf.Tensor | undefined)[];

/**
 * Uploads the masks of row `b` once per call (not once per KV head and pass): each chunk's `(chunk, keys)`
 * causal/window mask and the row's `(1, keys)` padding, summed where both exist.
 */
function rowMasks(g: Geometry, b: number): ChunkMasks {
  const padding = g.padding[b];
  return g.chunks.map((c) => {
    const n = c.keyEnd - c.keyStart;
    const causal = c.mask ? tf.tensor2d(c.mask, [c.end - c.start, n]) : undefined;
    const pad = padding ? tf.tensor2d(padding.subarray(c.keyStart, c.keyEnd), [1, n]) : undefined;
    return causal && pad ? tf.add(causal, pad) : (causal ?? pad);
  });
}

/** Softmax probabilities `(group·chunk, keys)` of one chunk from already scaled query rows and `kᵀ (d, lenK)`. */
function chunkProbs(scaledRows: tf.Tensor2D, keysT: tf.Tensor2D, c: AttentionChunk, mask: tf.Tensor | undefined, group: number): tf.Tensor2D {
  const n = c.keyEnd - c.keyStart;
  const size = c.end - c.start;
  let scores: tf.Tensor = tf.matMul(scaledRows, columns(keysT, c.keyStart, c.keyEnd));
  if (mask) scores = tf.reshape(tf.add(tf.reshape(scores, [group, size, n]), mask), [group * size, n]);
  return tf.softmax(scores) as tf.Tensor2D;
}

/** Queries (or any `(batch, heads, lenQ, d)` tensor) of kv head `h`'s group in row `b`: `(group, lenQ, d)`. */
function groupRows(g: Geometry, t: tf.Tensor, b: number, h: number): tf.Tensor3D {
  return tf.reshape(tf.slice(t, [b, h * g.group, 0, 0], [1, g.group, g.lenQ, g.headDim]), [g.group, g.lenQ, g.headDim]);
}

/** Keys or values of kv head `h` in row `b`: `(lenK, d)`. */
function headRows(g: Geometry, t: tf.Tensor, b: number, h: number): tf.Tensor2D {
  return tf.reshape(tf.slice(t, [b, h, 0, 0], [1, 1, g.lenK, g.headDim]), [g.lenK, g.headDim]);
}

function forward(g: Geometry, q: tf.Tensor, k: tf.Tensor, v: tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    const batchRows: tf.Tensor[] = [];
    for (let b = 0; b < g.batch; b++) {
      const masks = rowMasks(g, b);
      const groups: tf.Tensor[] = [];
      for (let h = 0; h < g.kvHeads; h++) {
        const queries = groupRows(g, q, b, h);
        const values = headRows(g, v, b, h);
        const keysT = tf.transpose(headRows(g, k, b, h));
        const parts = g.chunks.map((c, ci) =>
          tf.tidy(() => {
            const p = chunkProbs(tf.mul(chunkRows(queries, c), g.scale), keysT, c, masks[ci], g.group);
            return tf.reshape(tf.matMul(p, rows(values, c.keyStart, c.keyEnd)), [g.group, c.end - c.start, g.headDim]);
          }),
        );
        groups.push(parts.length === 1 ? parts[0] : tf.concat(parts, 1));
      }
      batchRows.push(groups.length === 1 ? groups[0] : tf.concat(groups, 0));
    }
    return tf.stack(batchRows) as tf.Tensor4D;
  });
}

/** Adds `(rows, d)` blocks placed at row offsets into one `(length, d)` tensor. */
function placeRows(blocks: { readonly at: number; readonly value: tf.Tensor2D }[], length: number): tf.Tensor2D {
  const padded = blocks.map(({ at, value }) => (at === 0 && value.shape[0] === length ? value : tf.pad(value, [[at, length - at - value.shape[0]], [0, 0]])));
  return (padded.length === 1 ? padded[0] : tf.addN(padded)) as tf.Tensor2D;
}

function backward(g: Geometry, dy: tf.Tensor, q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, out: tf.Tensor): tf.Tensor[] {
  return tf.tidy(() => {
    const dq: tf.Tensor[] = [];
    const dk: tf.Tensor[] = [];
    const dv: tf.Tensor[] = [];
    const { group, headDim: d } = g;
    for (let b = 0; b < g.batch; b++) {
      const masks = rowMasks(g, b);
      const dqGroups: tf.Tensor[] = [];
      const dkHeads: tf.Tensor[] = [];
      const dvHeads: tf.Tensor[] = [];
      for (let h = 0; h < g.kvHeads; h++) {
        const queries = groupRows(g, q, b, h);
        const keys = headRows(g, k, b, h);
        const values = headRows(g, v, b, h);
        const dOut = groupRows(g, dy, b, h);
        const outRows = groupRows(g, out, b, h);
        const keysT = tf.transpose(keys);
        const valuesT = tf.transpose(values);
        const dqParts: tf.Tensor[] = [];
        const dkParts: { at: number; value: tf.Tensor2D }[] = [];
        const dvParts: { at: number; value: tf.Tensor2D }[] = [];
        for (const [ci, c] of g.chunks.entries()) {
          const [dqc, dkc, dvc] = tf.tidy(() => {
            const scaled = tf.mul(chunkRows(queries, c), g.scale) as tf.Tensor2D;
            const p = chunkProbs(scaled, keysT, c, masks[ci], group);
            const dO = chunkRows(dOut, c);
            const dvChunk = tf.matMul(tf.transpose(p), dO);
            const dP = tf.matMul(dO, columns(valuesT, c.keyStart, c.keyEnd));
            const rowDot = tf.sum(tf.mul(dO, chunkRows(outRows, c)), 1, true);
            const dS = tf.mul(p, tf.sub(dP, rowDot)) as tf.Tensor2D;
            const dqChunk = tf.reshape(tf.mul(tf.matMul(dS, rows(keys, c.keyStart, c.keyEnd)), g.scale), [group, c.end - c.start, d]);
            return [dqChunk, tf.matMul(tf.transpose(dS), scaled), dvChunk];
          });
          dqParts.push(dqc);
          dkParts.push({ at: c.keyStart, value: dkc as tf.Tensor2D });
          dvParts.push({ at: c.keyStart, value: dvc as tf.Tensor2D });
        }
        dqGroups.push(dqParts.length === 1 ? dqParts[0] : tf.concat(dqParts, 1));
        dkHeads.push(placeRows(dkParts, g.lenK));
        dvHeads.push(placeRows(dvParts, g.lenK));
      }
      dq.push(dqGroups.length === 1 ? dqGroups[0] : tf.concat(dqGroups, 0));
      dk.push(tf.stack(dkHeads));
      dv.push(tf.stack(dvHeads));
    }
    return [tf.stack(dq), tf.stack(dk), tf.stack(dv)];
  });
}

/**
 * Scaled dot-product attention in bounded memory: `q (batch, heads, lenQ, headDim)` against
 * `k, v (batch, kvHeads, lenK, headDim)` (grouped heads as Hugging Face's `repeat_kv`, without copying keys), the
 * causal / sliding-window / padding masks applied per chunk of query rows. No `(batch, heads, lenQ, lenK)` tensor
 * ever exists: the live score blocks are `(group·chunk, keys)`; the backward keeps `q, k, v` and the output and
 * recomputes each chunk's probabilities. Every product is a 2-D untransposed matMul — tfjs-wasm multiplies 2-D
 * operands 5–25× faster than batched ones. The key mask is a constant (no gradient).
 */
export function chunkedAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, options: ChunkedAttentionOptions = {}): tf.Tensor4D {
  const g = geometry(q, k, v, options);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [qi, ki, vi, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const out = forward(g, qi, ki, vi);
    save([qi, ki, vi, out]);
    return { value: out, gradFunc: (dy: tf.Tensor, [qs, ks, vs, os]: tf.Tensor[]) => backward(g, dy, qs, ks, vs, os) };
  });
  return op(q, k, v) as tf.Tensor4D;
}
