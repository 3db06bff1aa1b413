// The machinery behind scikit-learn's brute-force Euclidean `kneighbors` (`ArgKmin`, sklearn 1.9): fixed-size
// max-heaps fed the candidates in a strategy-dependent order, then an introsort of the survivors. Reproducing it
// makes our neighbour lists, including the order of exactly tied distances, those of `kneighbors_graph`.

/** sklearn's `pairwise_dist_chunk_size`. */
const CHUNK = 256;

/**
 * sklearn's `heap_push` (`sklearn/utils/_heap.pyx`): offers `(value, index)` to a max-heap of fixed `size` stored in
 * `values`/`indices`; rejected when `value >= values[0]`, so among equal distances the first
 * offered stays.
 */
export function heapPush(values: Float64Array, indices: Int32Array, size: number, value: number, index: number): void {
  if (value >= values[0]) return;
  let current = 0;
  for (;;) {
    const left = 2 * current + 1;
    const right = left + 1;
    let swap: number;
    if (left >= size) break;
    else if (right >= size) {
      if (values[left] > value) swap = left;
      else break;
    } else if (values[left] >= values[right]) {
      if (value < values[left]) swap = left;
      else break;
    } else {
      if (value < values[right]) swap = right;
      else break;
    }
    values[current] = values[swap];
    indices[current] = indices[swap];
    current = swap;
  }
  values[current] = value;
  indices[current] = index;
}

function swap(values: Float64Array, indices: Int32Array, i: number, j: number): void {
  const v = values[i];
  values[i] = values[j];
  values[j] = v;
  const k = indices[i];
  indices[i] = indices[j];
  indices[j] = k;
}

function insertionSort(values: Float64Array, indices: Int32Array, start: number, n: number): void {
  for (let i = 1; i < n; i++) {
    const v = values[start + i];
    const ix = indices[start + i];
    let j = i;
    while (j > 0 && values[start + j - 1] > v) {
      values[start + j] = values[start + j - 1];
      indices[start + j] = indices[start + j - 1];
      j--;
    }
    values[start + j] = v;
    indices[start + j] = ix;
  }
}

function siftDown(values: Float64Array, indices: Int32Array, s: number, root: number, end: number): void {
  for (;;) {
    const child = root * 2 + 1;
    let max = root;
    if (child < end && values[s + max] < values[s + child]) max = child;
    if (child + 1 < end && values[s + max] < values[s + child + 1]) max = child + 1;
    if (max === root) return;
    swap(values, indices, s + root, s + max);
    root = max;
  }
}

function heapSort(values: Float64Array, indices: Int32Array, s: number, n: number): void {
  for (let start = Math.trunc((n - 2) / 2); ; start--) {
    siftDown(values, indices, s, start, n);
    if (start === 0) break;
  }
  for (let end = n - 1; end > 0; end--) {
    swap(values, indices, s, s + end);
    siftDown(values, indices, s, 0, end);
  }
}

function introsort(values: Float64Array, indices: Int32Array, s: number, n: number, maxDepth: number): void {
  while (n > 15) {
    if (maxDepth <= 0) return heapSort(values, indices, s, n);
    maxDepth--;
    // median of three: smallest to the front, median (the pivot) to the end, largest to the middle
    const mid = n >> 1;
    if (values[s] > values[s + n - 1]) swap(values, indices, s, s + n - 1);
    if (values[s + n - 1] > values[s + mid]) {
      swap(values, indices, s + n - 1, s + mid);
      if (values[s] > values[s + n - 1]) swap(values, indices, s, s + n - 1);
    }
    const pivot = values[s + n - 1];
    let i = 1;
    let j = n - 2;
    for (;;) {
      while (i <= j && values[s + i] < pivot) i++;
      while (i <= j && values[s + j] > pivot) j--;
      if (i >= j) break;
      swap(values, indices, s + i, s + j);
      i++;
      j--;
    }
    swap(values, indices, s + i, s + n - 1);
    introsort(values, indices, s, i, maxDepth);
    s += i + 1;
    n -= i + 1;
  }
  insertionSort(values, indices, s, n);
}

/**
 * sklearn's `simultaneous_sort` (`sklearn/utils/_sorting.pyx`, 2-way introsort): sorts `values[0, n)` ascending,
 * applying every move to `indices`. Not stable; tied values end in the order this exact algorithm leaves them.
 */
export function simultaneousSort(values: Float64Array, indices: Int32Array, n: number): void {
  if (n === 0) return;
  introsort(values, indices, 0, n, 2 * Math.trunc(Math.log2(n)));
}

/** How sklearn's `ArgKmin` feeds its heaps for one query (see {@link sklearnScanPlan}). */
export interface SklearnScanPlan {
  /** Per-thread heaps merged into the final one (`parallel_on_Y`), or the final heap fed directly (`parallel_on_X`). */
  readonly parallelOnY: boolean;
  /** Candidate ranges `[start, end)`, one per heap, each offered in increasing order. */
  readonly ranges: readonly (readonly [number, number])[];
}

/**
 * The order in which sklearn's `ArgKmin` (strategy `auto`, X = Y = the vocabulary of `n` rows, `threads` OpenMP
 * threads) offers a query's candidates: one heap fed `0..n−1` (`parallel_on_X`, whenever `n > 1024 · threads`), or
 * one heap per thread over contiguous blocks of 256-row chunks (libgomp's static schedule), merged thread by thread
 * in heap-array order (`parallel_on_Y`).
 */
export function sklearnScanPlan(n: number, threads: number): SklearnScanPlan {
  if (4 * CHUNK * threads < n) return { parallelOnY: false, ranges: [[0, n]] };
  const chunk = Math.min(n, CHUNK);
  const chunks = Math.ceil(n / chunk);
  const t = Math.min(chunks, threads);
  const q = Math.floor(chunks / t);
  const r = chunks % t;
  const ranges: [number, number][] = [];
  for (let i = 0; i < t; i++) {
    const first = i * q + Math.min(i, r);
    ranges.push([first * chunk, Math.min(n, (first + q + (i < r ? 1 : 0)) * chunk)]);
  }
  return { parallelOnY: true, ranges };
}
