import * as tf from "@tensorflow/tfjs-core";
import { inseqError } from "@inseqjs/core";
import { buildMonotonicPath } from "./monotonicPath.js";
import { jsQueryDots, selectNeighbours, tfjsErrorPerNorm, tfjsQueryDots, type KnnCompute, type QueryDots } from "./nearestNeighbours.js";
import type { NeighbourStore } from "./neighbourStore.js";
import { createVocabularySpace, type VocabularySpace } from "./vocabularySpace.js";
import { searchWordPaths, type PathStrategy } from "./wordPathSearch.js";

/** Options of {@link MonotonicPathBuilder}. */
export interface MonotonicPathBuilderOptions {
  /** Model name, part of the cache key (inseq's `model_name`). */
  readonly modelId: string;
  /** Tokens whose path repeats the token (inseq: the tokenizer's special ids). */
  readonly specialIds?: Iterable<number>;
  /** Neighbours per word (default 50, inseq's `n_neighbors`). */
  readonly nNeighbors?: number;
  /** Dot products of the vocabulary scan: tfjs matMul on the active backend (default) or float64 JS loops. */
  readonly knn?: KnnCompute;
  /** The unscaled `(vocab, hidden)` table as a tensor, reused by the tfjs scan (not disposed by the builder). */
  readonly matrix?: tf.Tensor2D;
  /**
   * OpenMP threads of the sklearn run to agree with (default 8). It only decides the order of exactly tied
   * distances, and only for vocabularies of at most 1024 × threads rows (larger ones are thread-independent).
   */
  readonly sklearnThreads?: number;
}

/** How one call of {@link MonotonicPathBuilder.prepare} builds its paths. */
export interface PathParams {
  readonly nSteps: number;
  readonly strategy: PathStrategy;
  /** Where neighbour lists persist; omitted: memory only. */
  readonly store?: NeighbourStore;
}

interface NeighbourTable {
  readonly lists: Map<number, Int32Array>;
  /** Per store location: number of lists it is known to hold. */
  readonly persisted: Map<string, number>;
  /** Per store location: the (single) load of its record. */
  readonly loading: Map<string, Promise<void>>;
}

const tables = new Map<string, NeighbourTable>();
const QUERY_BATCH = 256;

/** Drops every in-memory neighbour table (persisted caches stay). */
export function clearNeighbourTables(): void {
  tables.clear();
}

/** Cache key of a vocabulary space: file-name safe, and different whenever any embedding byte differs. */
export function neighbourCacheKey(modelId: string, space: VocabularySpace, nNeighbors: number): string {
  const id = modelId.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 96) || "model";
  return `${id}__${space.vocabSize}x${space.hiddenSize}__s${space.embedScale}__k${nNeighbors}__${space.hash}`;
}

/**
 * DIG's monotonic path builder, lazy: the neighbour lists of a word are computed the first time a path visits it
 * (one matrix–vector product against the vocabulary, batched over every path advancing in the same round) and
 * cached per vocabulary space, in memory and optionally in a {@link NeighbourStore}. Results equal inseq's
 * `MonotonicPathBuilder` over a precomputed `kneighbors_graph`.
 */
export class MonotonicPathBuilder {
  readonly space: VocabularySpace;
  readonly nNeighbors: number;
  readonly specialIds: ReadonlySet<number>;
  readonly cacheKey: string;
  readonly knn: KnnCompute;
  readonly sklearnThreads: number;
  /** Counters: words whose neighbours were computed, scan batches run, lists read from a store, last store error. */
  readonly stats = { searchedWords: 0, searchBatches: 0, loadedWords: 0, storeError: undefined as string | undefined };
  private readonly table: NeighbourTable;
  private matrix?: tf.Tensor2D;
  private ownMatrix?: tf.Tensor2D;
  private readonly wordPaths = new Map<string, Int32Array>();

  constructor(space: VocabularySpace, options: MonotonicPathBuilderOptions) {
    const k = options.nNeighbors ?? 50;
    if (!Number.isInteger(k) || k < 1 || k >= space.vocabSize) {
      throw inseqError("INVALID_OPTION", `nNeighbors must be an integer in [1, ${space.vocabSize - 1}] (below the vocabulary size ${space.vocabSize}), got ${k}.`);
    }
    if (options.knn !== undefined && options.knn !== "tfjs" && options.knn !== "js") {
      throw inseqError("INVALID_OPTION", `knn must be "tfjs" or "js", got ${JSON.stringify(options.knn)}.`);
    }
    this.space = space;
    this.nNeighbors = k;
    this.specialIds = new Set(options.specialIds ?? []);
    this.knn = options.knn ?? "tfjs";
    this.sklearnThreads = options.sklearnThreads ?? 8;
    if (!Number.isInteger(this.sklearnThreads) || this.sklearnThreads < 1) {
      throw inseqError("INVALID_OPTION", `sklearnThreads must be a positive integer, got ${options.sklearnThreads}.`);
    }
    this.matrix = options.matrix;
    this.cacheKey = neighbourCacheKey(options.modelId, space, k);
    let table = tables.get(this.cacheKey);
    if (!table) tables.set(this.cacheKey, (table = { lists: new Map(), persisted: new Map(), loading: new Map() }));
    this.table = table;
  }

  /** A builder over raw `(vocabSize × hiddenSize)` embeddings, scaled by `embedScale` (as inseq scales them). */
  static fromEmbeddings(embeddings: Float32Array, vocabSize: number, hiddenSize: number, options: MonotonicPathBuilderOptions & { readonly embedScale?: number }): MonotonicPathBuilder {
    return new MonotonicPathBuilder(createVocabularySpace(embeddings, vocabSize, hiddenSize, options.embedScale ?? 1), options);
  }

  /** Points the tfjs scan at a (new) unscaled embedding tensor with this space's values. */
  useMatrix(matrix: tf.Tensor2D | undefined): void {
    this.matrix = matrix;
  }

  /** Number of words whose neighbour lists are known (computed or loaded). */
  get cachedWords(): number {
    return this.table.lists.size;
  }

  /** Merges the lists persisted in `store` into memory (once per vocabulary space); store errors are recorded, not thrown. */
  async loadCache(store: NeighbourStore): Promise<void> {
    const { lists, loading, persisted } = this.table;
    let load = loading.get(store.location);
    if (!load) {
      load = (async () => {
        try {
          const record = await store.load(this.cacheKey);
          if (!record || record.k !== this.nNeighbors) return;
          const k = record.k;
          record.ids.forEach((id, i) => {
            if (!lists.has(id)) lists.set(id, record.lists.slice(i * k, (i + 1) * k));
          });
          this.stats.loadedWords += record.ids.length;
          persisted.set(store.location, record.ids.length);
        } catch (e) {
          this.stats.storeError = (e as Error).message;
        }
      })();
      loading.set(store.location, load);
    }
    await load;
  }

  /** Writes every known list to `store` when it lacks some; store errors are recorded, not thrown. */
  async saveCache(store: NeighbourStore): Promise<void> {
    const { lists, persisted } = this.table;
    if (lists.size <= (persisted.get(store.location) ?? 0)) return;
    const k = this.nNeighbors;
    const ids = Int32Array.from(lists.keys());
    const flat = new Int32Array(ids.length * k);
    ids.forEach((id, i) => flat.set(lists.get(id)!, i * k));
    try {
      await store.save({ key: this.cacheKey, k, ids, lists: flat });
      persisted.set(store.location, ids.length);
    } catch (e) {
      this.stats.storeError = (e as Error).message;
    }
  }

  /** The `nNeighbors` neighbours of `word` in sklearn's order, computed now if unknown. */
  neighbours(word: number): Int32Array {
    if (!this.table.lists.has(word)) this.computeSync([word]);
    return this.table.lists.get(word)!;
  }

  /** Builds (and caches) the word paths of every `(word, baseline)` pair, computing missing neighbours in batches. */
  async prepare(pairs: readonly (readonly [number, number])[], params: PathParams): Promise<void> {
    if (params.store) await this.loadCache(params.store);
    const todo = this.missingPairs(pairs, params);
    const search = searchWordPaths(this.space, todo, this.searchParams(params));
    let step = search.next();
    while (!step.done) {
      await this.computeAsync(step.value);
      step = search.next();
    }
    this.remember(todo, step.value, params);
    if (params.store) await this.saveCache(params.store);
  }

  /** The `nSteps − 1` anchor words from `word` towards `baseline` (inseq's `find_path`), synchronously. */
  wordPath(word: number, baseline: number, params: PathParams): Int32Array {
    const cached = this.wordPaths.get(this.pathKey(word, baseline, params));
    if (cached) return cached;
    const search = searchWordPaths(this.space, [[word, baseline]], this.searchParams(params));
    let step = search.next();
    while (!step.done) {
      this.computeSync(step.value);
      step = search.next();
    }
    this.remember([[word, baseline]], step.value, params);
    return step.value[0];
  }

  /** The `(nSteps, hidden)` monotonic path from the baseline embedding (row 0) to the word's (last row). */
  embeddingPath(word: number, baseline: number, params: PathParams): Float32Array {
    return buildMonotonicPath(this.space, this.wordPath(word, baseline, params), baseline, params.nSteps);
  }

  /** Frees the tensor the builder created for its tfjs scan (if any). */
  dispose(): void {
    this.ownMatrix?.dispose();
    this.ownMatrix = undefined;
  }

  private pathKey(word: number, baseline: number, params: PathParams): string {
    return `${params.strategy}|${params.nSteps}|${word}|${baseline}`;
  }

  private searchParams(params: PathParams) {
    if (!Number.isInteger(params.nSteps) || params.nSteps < 2) throw inseqError("INVALID_OPTION", `nSteps must be an integer ≥ 2, got ${params.nSteps}.`);
    if (params.strategy !== "greedy" && params.strategy !== "maxcount") {
      throw inseqError("INVALID_OPTION", `Unknown DIG strategy ${JSON.stringify(params.strategy)}; use "greedy" or "maxcount".`);
    }
    return { nSteps: params.nSteps, strategy: params.strategy, specialIds: this.specialIds, neighboursOf: (w: number) => this.table.lists.get(w) };
  }

  private missingPairs(pairs: readonly (readonly [number, number])[], params: PathParams): [number, number][] {
    const seen = new Set<string>();
    const out: [number, number][] = [];
    for (const [w, b] of pairs) {
      const key = this.pathKey(w, b, params);
      if (seen.has(key) || this.wordPaths.has(key)) continue;
      seen.add(key);
      out.push([w, b]);
    }
    return out;
  }

  private remember(pairs: readonly (readonly [number, number])[], paths: Int32Array[], params: PathParams): void {
    pairs.forEach(([w, b], i) => this.wordPaths.set(this.pathKey(w, b, params), paths[i]));
  }

  private scanMatrix(): { matrix: tf.Tensor2D; factor: number } {
    if (this.matrix && !this.matrix.isDisposed) return { matrix: this.matrix, factor: Math.fround(this.space.embedScale) };
    this.ownMatrix ??= tf.tensor2d(this.space.data, [this.space.vocabSize, this.space.hiddenSize]);
    return { matrix: this.ownMatrix, factor: 1 };
  }

  private store(words: readonly number[], dots: QueryDots): void {
    words.forEach((w, q) => this.table.lists.set(w, selectNeighbours(this.space, w, q, dots, this.nNeighbors, this.sklearnThreads)));
    this.stats.searchedWords += words.length;
    this.stats.searchBatches++;
  }

  private computeSync(words: readonly number[]): void {
    for (let i = 0; i < words.length; i += QUERY_BATCH) {
      const batch = words.slice(i, i + QUERY_BATCH);
      if (this.knn === "js") {
        this.store(batch, jsQueryDots(this.space, batch));
        continue;
      }
      const { matrix, factor } = this.scanMatrix();
      const t = tfjsQueryDots(this.space, matrix, factor, batch);
      const values = t.dataSync() as Float32Array;
      t.dispose();
      this.store(batch, { values, factor, errorPerNorm: tfjsErrorPerNorm(this.space.hiddenSize) });
    }
  }

  private async computeAsync(words: readonly number[]): Promise<void> {
    for (let i = 0; i < words.length; i += QUERY_BATCH) {
      const batch = words.slice(i, i + QUERY_BATCH);
      if (this.knn === "js") {
        this.store(batch, jsQueryDots(this.space, batch));
        continue;
      }
      const { matrix, factor } = this.scanMatrix();
      const t = tfjsQueryDots(this.space, matrix, factor, batch);
      const values = (await t.data()) as Float32Array;
      t.dispose();
      this.store(batch, { values, factor, errorPerNorm: tfjsErrorPerNorm(this.space.hiddenSize) });
    }
  }
}
