import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { jsQueryDots, selectNeighbours } from "./nearestNeighbours.js";
import { heapPush, simultaneousSort, sklearnScanPlan } from "./sklearnArgKmin.js";
import { createVocabularySpace } from "./vocabularySpace.js";

// Rows recorded from scikit-learn 1.9.1 `kneighbors_graph` (OMP_NUM_THREADS = threads) on embeddings with only 21
// distinct rows: every distance is tied, duplicates outnumber k + 1, so the order is decided by sklearn's heap feeding
// order, its introsort and its "drop the first when the query is pushed out" rule.
const fixture = JSON.parse(readFileSync(new URL("./sklearnTies.fixture.json", import.meta.url), "utf8")) as {
  cases: { vocab: number; hidden: number; k: number; threads: number; rows: number[][] }[];
};

describe("sklearn kneighbors order", () => {
  it.each(fixture.cases)("matches kneighbors_graph rows under exact ties ($vocab × $hidden, k=$k, $threads threads)", ({ vocab, hidden, k, threads, rows }) => {
    const data = new Float32Array(vocab * hidden);
    for (let i = 0; i < vocab; i++) for (let d = 0; d < hidden; d++) data[i * hidden + d] = ((i * 31 + d * 17 + ((i * d) % 7)) % 3) - 1;
    const space = createVocabularySpace(data, vocab, hidden);
    rows.forEach((expected, query) => {
      expect(Array.from(selectNeighbours(space, query, 0, jsQueryDots(space, [query]), k, threads))).toEqual(expected);
    });
  });

  it("keeps the first offered of equal values at the heap boundary; sorts ties as sklearn's introsort does", () => {
    const values = new Float64Array(3).fill(Infinity);
    const indices = new Int32Array(3).fill(-1);
    [2, 1, 1, 1, 3, 1].forEach((v, i) => heapPush(values, indices, 3, v, i));
    expect([...indices].sort()).toEqual([1, 2, 3]);
    const v = new Float64Array(20).fill(1);
    const ix = Int32Array.from({ length: 20 }, (_, i) => i);
    simultaneousSort(v, ix, 20);
    expect(Array.from(ix)).not.toEqual(Array.from({ length: 20 }, (_, i) => i)); // unlike numpy's stable argsort
    expect(new Set(ix).size).toBe(20);
  });

  it("splits the scan like sklearn's auto strategy", () => {
    expect(sklearnScanPlan(50257, 8)).toEqual({ parallelOnY: false, ranges: [[0, 50257]] });
    expect(sklearnScanPlan(176, 8)).toEqual({ parallelOnY: true, ranges: [[0, 176]] });
    expect(sklearnScanPlan(600, 2)).toEqual({ parallelOnY: true, ranges: [[0, 512], [512, 600]] });
  });
});
