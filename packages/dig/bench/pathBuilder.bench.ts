// Benchmark of the lazy DIG path builder on a GPT-2-sized vocabulary (50,257 × 768 random embeddings), tfjs-wasm.
// Run: pnpm --filter @inseqjs/dig bench   (BENCH_JS_FULL=1 also times a whole lazy run with the JS scan)
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import {
  MonotonicPathBuilder, clearNeighbourTables, createVocabularySpace, hashFloat32Array, jsQueryDots,
  selectNeighbours, tfjsErrorPerNorm, tfjsQueryDots, type KnnCompute, type VocabularySpace,
} from "../src/index.js";

const V = 50_257;
const H = 768;
const K = 50;
const N_STEPS = 50;
const TOKENS = 10;
const BASELINE = 1;

function randomEmbeddings(): Float32Array {
  let s = 12345;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) | 0) >>> 0) / 2 ** 32;
  const out = new Float32Array(V * H);
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(next() + 1e-12)) * 0.1;
    const t = 2 * Math.PI * next();
    out[i] = r * Math.cos(t);
    out[i + 1] = r * Math.sin(t);
  }
  return out;
}

const ms = (t0: number) => performance.now() - t0;
const rows: [string, string, string][] = [];
const report = (what: string, value: string, note = "") => {
  rows.push([what, value, note]);
  console.log(`  ${what}: ${value} ${note}`);
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function timeScan(space: VocabularySpace, matrix: tf.Tensor2D, knn: KnnCompute, queries: number[]): Promise<number> {
  const t0 = performance.now();
  if (knn === "js") {
    const dots = jsQueryDots(space, queries);
    queries.forEach((q, i) => selectNeighbours(space, q, i, dots, K));
  } else {
    const t = tfjsQueryDots(space, matrix, 1, queries);
    const values = (await t.data()) as Float32Array;
    t.dispose();
    const dots = { values, factor: 1, errorPerNorm: tfjsErrorPerNorm(H) };
    queries.forEach((q, i) => selectNeighbours(space, q, i, dots, K));
  }
  return ms(t0);
}

async function lazyRun(embeddings: Float32Array, matrix: tf.Tensor2D, knn: KnnCompute, pairs: [number, number][]) {
  clearNeighbourTables();
  const t0 = performance.now();
  const builder = MonotonicPathBuilder.fromEmbeddings(embeddings, V, H, { modelId: "bench", specialIds: [0, 1], knn, matrix });
  const tSpace = ms(t0);
  await builder.prepare(pairs, { nSteps: N_STEPS, strategy: "greedy" });
  for (const [w, b] of pairs) builder.embeddingPath(w, b, { nSteps: N_STEPS, strategy: "greedy" });
  const total = ms(t0);
  return { builder, tSpace, total };
}

async function main(): Promise<void> {
  const backend = await useBackend("wasm");
  console.log(`DIG path builder bench: ${V} × ${H} random embeddings, k=${K}, nSteps=${N_STEPS}, ${TOKENS} tokens, backend ${backend.backend}`);
  const embeddings = randomEmbeddings();
  const matrix = tf.tensor2d(embeddings, [V, H]);

  const hashTimes = [0, 1, 2].map(() => {
    const t0 = performance.now();
    hashFloat32Array(embeddings);
    return ms(t0);
  });
  const hashMs = median(hashTimes);
  report("hash all bytes (xxh32 ×2)", `${hashMs.toFixed(0)} ms`, `(${((embeddings.byteLength / 2 ** 20) / (hashMs / 1000)).toFixed(0)} MiB/s over ${(embeddings.byteLength / 2 ** 20).toFixed(0)} MiB)`);
  const t0 = performance.now();
  const space = createVocabularySpace(embeddings, V, H, 1);
  report("space setup (scale copy + norms + hash)", `${ms(t0).toFixed(0)} ms`);

  // one scan round: dot products against the whole vocabulary + sklearn-exact top-k selection
  for (const knn of ["tfjs", "js"] as const) {
    for (const q of [1, 10, 256]) {
      if (knn === "js" && q === 256) continue;
      const queries = Array.from({ length: q }, (_, i) => 1000 + i * 37);
      await timeScan(space, matrix, knn, queries.slice(0, 1)); // warm-up
      const times: number[] = [];
      for (let r = 0; r < 3; r++) times.push(await timeScan(space, matrix, knn, queries));
      const t = median(times);
      report(`scan, ${knn}, batch of ${q} word(s)`, `${t.toFixed(0)} ms`, `(${(t / q).toFixed(1)} ms/word)`);
    }
  }

  const tokens = Array.from({ length: TOKENS }, (_, i) => 100 + i * 4_999);
  const pairs = tokens.map((w): [number, number] => [w, BASELINE]);
  const lazy = await lazyRun(embeddings, matrix, "tfjs", pairs);
  report("lazy: time to first paths, 10 tokens (tfjs scan)", `${(lazy.total / 1000).toFixed(2)} s`,
    `(space ${lazy.tSpace.toFixed(0)} ms; ${lazy.builder.stats.searchedWords} words searched in ${lazy.builder.stats.searchBatches} batches)`);
  report("lazy: per token", `${(lazy.total / TOKENS).toFixed(0)} ms`);
  const t1 = performance.now();
  const again = new MonotonicPathBuilder(lazy.builder.space, { modelId: "bench", specialIds: [0, 1], matrix });
  await again.prepare(pairs, { nSteps: N_STEPS, strategy: "greedy" });
  for (const [w, b] of pairs) again.embeddingPath(w, b, { nSteps: N_STEPS, strategy: "greedy" });
  report("second run, same 10 tokens (memory cache, space reused)", `${ms(t1).toFixed(0)} ms`, `(${again.stats.searchedWords} words searched: path assembly only)`);
  const fresh = tokens.map((w): [number, number] => [w + 1, BASELINE]);
  const t2 = performance.now();
  await again.prepare(fresh, { nSteps: N_STEPS, strategy: "greedy" });
  report("warm cache: 10 new tokens", `${(ms(t2) / 1000).toFixed(2)} s`, `(${again.stats.searchedWords} more words searched)`);
  if (process.env.BENCH_JS_FULL) {
    const js = await lazyRun(embeddings, matrix, "js", pairs);
    report("lazy: time to first paths, 10 tokens (JS scan)", `${(js.total / 1000).toFixed(2)} s`);
  }

  // all-pairs kneighbors graph (inseq's approach), timed on a subset with the fastest scan and extrapolated
  const subset = 1024;
  const t3 = performance.now();
  for (let i = 0; i < subset; i += 256) await timeScan(space, matrix, "tfjs", Array.from({ length: 256 }, (_, j) => i + j));
  const perWord = ms(t3) / subset;
  report(`all-pairs graph, measured on ${subset} words`, `${(ms(t3) / 1000).toFixed(1)} s`, `(${perWord.toFixed(1)} ms/word)`);
  report(`all-pairs graph, extrapolated to ${V} words`, `${((perWord * V) / 60_000).toFixed(1)} min`, "(linear extrapolation, tfjs-wasm, same exact top-k)");
  matrix.dispose();

  console.log("\n| measurement | value | note |\n|---|---|---|");
  for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
