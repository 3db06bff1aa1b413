import { inseqError } from "@inseqjs/core";
import { greedyAnchorScore, maxcountAnchorScore } from "./monotonic.js";
import type { VocabularySpace } from "./vocabularySpace.js";

/** inseq's anchor-search strategies: `greedy` (closest monotonised anchor) or `maxcount` (most monotonic dims). */
export type PathStrategy = "greedy" | "maxcount";

/** Parameters shared by every path of one search. */
export interface WordPathSearchParams {
  readonly nSteps: number;
  readonly strategy: PathStrategy;
  /** Tokens whose path is the token repeated (inseq: the tokenizer's special ids). */
  readonly specialIds: ReadonlySet<number>;
  /** Neighbour list of a word, once available. */
  readonly neighboursOf: (word: number) => Int32Array | undefined;
}

/**
 * The next anchor after `current` (inseq's `get_closest_word`): among the neighbours of the last chosen word,
 * excluding words already on the path and the baseline, the best-scoring one; ties keep neighbour order (Python's
 * stable sort). The baseline once nothing is left, and forever once reached.
 */
export function nextAnchor(space: VocabularySpace, neighbours: Int32Array, current: number, baseline: number, onPath: ReadonlySet<number>, params: Pick<WordPathSearchParams, "nSteps" | "strategy">): number {
  if (current === baseline) return baseline;
  const { data, hiddenSize: H } = space;
  let best = -1;
  let bestScore = Infinity;
  for (const anchor of neighbours) {
    if (anchor === baseline || onPath.has(anchor)) continue;
    const score = params.strategy === "greedy"
      ? greedyAnchorScore(data, anchor * H, data, baseline * H, data, current * H, H, params.nSteps)
      : maxcountAnchorScore(data, anchor * H, data, baseline * H, data, current * H, H);
    if (best === -1 || score < bestScore) {
      best = anchor;
      bestScore = score;
    }
  }
  return best === -1 ? baseline : best;
}

/**
 * Finds the anchor-word paths of many `(word, baseline)` pairs in lock-step (inseq's `find_path`): each path starts
 * at its word and gains one anchor per round until it holds `nSteps − 1` words; special tokens repeat themselves.
 * A generator: it yields the words whose neighbour lists it needs next (one batch per round), and the driver makes
 * them available through `neighboursOf` before resuming — so the same search runs synchronously or asynchronously.
 */
export function* searchWordPaths(space: VocabularySpace, pairs: readonly (readonly [number, number])[], params: WordPathSearchParams): Generator<number[], Int32Array[], void> {
  const length = params.nSteps - 1;
  const paths = pairs.map(([word, baseline]) => {
    for (const id of [word, baseline]) {
      if (!Number.isInteger(id) || id < 0 || id >= space.vocabSize) {
        throw inseqError("INVALID_OPTION", `Token id ${id} is outside the vocabulary (size ${space.vocabSize}); DIG paths need ids of the model's own vocabulary.`);
      }
    }
    return params.specialIds.has(word) ? new Array<number>(length).fill(word) : [word];
  });
  const onPath = paths.map((p) => new Set(p));
  for (;;) {
    const active = paths.flatMap((p, i) => (p.length < length ? [i] : []));
    if (active.length === 0) break;
    const missing = new Set<number>();
    for (const i of active) {
      const current = paths[i][paths[i].length - 1];
      if (current !== pairs[i][1] && !params.neighboursOf(current)) missing.add(current);
    }
    if (missing.size) yield [...missing];
    for (const i of active) {
      const path = paths[i];
      const current = path[path.length - 1];
      const baseline = pairs[i][1];
      const next = current === baseline ? baseline : nextAnchor(space, params.neighboursOf(current)!, current, baseline, onPath[i], params);
      path.push(next);
      onPath[i].add(next);
    }
  }
  return paths.map((p) => Int32Array.from(p));
}
