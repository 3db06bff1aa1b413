import { MASKED_SCORE } from "./attentionMask.js";

/** One block of query rows `[start, end)` and the key columns `[keyStart, keyEnd)` it can see. */
export interface AttentionChunk {
  readonly start: number;
  readonly end: number;
  readonly keyStart: number;
  readonly keyEnd: number;
  /**
   * Additive `(end − start, keyEnd − keyStart)` causal / sliding-window mask, row-major; `undefined` when every key
   * of the range is visible to every query of the chunk.
   */
  readonly mask?: Float32Array;
}

/** Geometry of a query-chunked attention. */
export interface ChunkPlanOptions {
  readonly queryLength: number;
  readonly keyLength: number;
  /** Query `i` sees keys `j ≤ i + (keyLength − queryLength)` (queries aligned to the last keys). */
  readonly causal: boolean;
  /** Sliding window: query `i` sees keys `j > i + offset − window` only. */
  readonly window?: number;
  /** Query rows per chunk. */
  readonly chunkSize: number;
}

const planCache = new Map<string, readonly AttentionChunk[]>();
const PLAN_CACHE_SIZE = 8;

function buildMask(rows: number, cols: number, rowStart: number, colStart: number, offset: number, causal: boolean, window: number | undefined): Float32Array | undefined {
  let mask: Float32Array | undefined;
  for (let r = 0; r < rows; r++) {
    const i = rowStart + r + offset; // last visible key (causal) of this query
    for (let c = 0; c < cols; c++) {
      const j = colStart + c;
      if ((causal && j > i) || (window !== undefined && j <= i - window)) {
        mask ??= new Float32Array(rows * cols);
        mask[r * cols + c] = MASKED_SCORE;
      }
    }
  }
  return mask;
}

/**
 * Splits the query axis into chunks of `chunkSize` rows and gives each the key range it can see: with `causal`, a
 * chunk never looks at keys after its last query (about half the score work of a full `L×L` product), with a
 * `window` never before its first query's window. Plans are cached by geometry (the masks are small: at most
 * `chunkSize × keyLength` floats each).
 */
export function attentionChunks(options: ChunkPlanOptions): readonly AttentionChunk[] {
  const { queryLength, keyLength, causal, window, chunkSize } = options;
  const key = `${queryLength},${keyLength},${causal},${window},${chunkSize}`;
  const cached = planCache.get(key);
  if (cached) return cached;
  const offset = keyLength - queryLength;
  const chunks: AttentionChunk[] = [];
  for (let start = 0; start < queryLength; start += chunkSize) {
    const end = Math.min(queryLength, start + chunkSize);
    const keyEnd = causal ? Math.min(keyLength, end + offset) : keyLength;
    const keyStart = window !== undefined ? Math.max(0, start + offset - window + 1) : 0;
    chunks.push({ start, end, keyStart, keyEnd, mask: buildMask(end - start, keyEnd - keyStart, start, keyStart, offset, causal, window) });
  }
  if (planCache.size >= PLAN_CACHE_SIZE) planCache.delete(planCache.keys().next().value!);
  planCache.set(key, chunks);
  return chunks;
}

/**
 * Additive padding terms of each batch row of a `(batch, keyLength)` key mask (1 real, 0 padding): `undefined` for a
 * row without padding, else `(1 − m) · MASKED_SCORE` per key.
 */
export function paddingRows(keyMask: ArrayLike<number> | undefined, batch: number, keyLength: number): (Float32Array | undefined)[] {
  const rows: (Float32Array | undefined)[] = [];
  for (let b = 0; b < batch; b++) {
    let row: Float32Array | undefined;
    if (keyMask) {
      for (let j = 0; j < keyLength; j++) {
        const m = keyMask[b * keyLength + j];
        if (m !== 1) {
          row ??= new Float32Array(keyLength);
          row[j] = (1 - m) * MASKED_SCORE;
        }
      }
    }
    rows.push(row);
  }
  return rows;
}
