import { mkdtemp, readdir, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { parseSafetensorsHeader, readSafetensorsTensor } from "@inseqjs/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isMonotonicDim } from "./monotonic.js";
import { MonotonicPathBuilder, clearNeighbourTables } from "./monotonicPathBuilder.js";
import { nodeFileNeighbourStore } from "./neighbourStore.js";

interface DigCase {
  id: string;
  source_ids: number[] | null;
  source_baseline_ids: number[] | null;
  target_ids: number[];
  target_baseline_ids: number[];
  dig_word_paths: number[][];
}

const repo = new URL("../../../../", import.meta.url);
const models = [
  { name: "tiny-gpt2", tensor: "transformer.wte.weight", scale: 1 },
  { name: "tiny-marian", tensor: "model.shared.weight", scale: Math.sqrt(32) },
] as const;

function load(name: string, tensor: string) {
  const bytes = new Uint8Array(readFileSync(new URL(`models/${name}/model.safetensors`, repo)));
  const header = parseSafetensorsHeader(bytes);
  const [vocab, hidden] = header.tensors.get(tensor)!.shape;
  const expected = JSON.parse(readFileSync(new URL(`test-data/expected/${name}/discretized_integrated_gradients.json`, repo), "utf8"));
  return { embeddings: readSafetensorsTensor(bytes, header, tensor), vocab, hidden, cases: expected.cases as DigCase[], special: expected.args.special_token_ids as number[], args: expected.args };
}

/** The (word, baseline) pairs whose anchor paths the fixture records: source tokens (enc-dec) or every prefix token. */
function pairsOf(c: DigCase): [number, number][] {
  if (c.source_ids) return c.source_ids.map((w, i) => [w, c.source_baseline_ids![i]]);
  return c.target_ids.slice(0, -1).map((w, i) => [w, c.target_baseline_ids[i]]);
}

let dir: string;
beforeAll(async () => {
  await useBackend("cpu");
  dir = await mkdtemp(join(tmpdir(), "inseqjs-dig-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each(models)("MonotonicPathBuilder on $name", ({ name, tensor, scale }) => {
  const fx = load(name, tensor);
  const params = { nSteps: 50, strategy: "greedy" as const };

  it("reproduces the fixture's anchor word paths exactly (tfjs scan and JS scan)", async () => {
    expect(fx.args.n_neighbors).toBe(50);
    for (const knn of ["tfjs", "js"] as const) {
      clearNeighbourTables();
      const start = tf.memory().numTensors;
      const builder = MonotonicPathBuilder.fromEmbeddings(fx.embeddings, fx.vocab, fx.hidden, { modelId: name, embedScale: scale, specialIds: fx.special, knn });
      for (const c of fx.cases) {
        const pairs = pairsOf(c);
        await builder.prepare(pairs, params);
        const got = pairs.map(([w, b]) => Array.from(builder.wordPath(w, b, params)));
        expect(got).toEqual(c.dig_word_paths);
      }
      expect(builder.stats.searchedWords).toBeGreaterThan(0);
      builder.dispose();
      expect(tf.memory().numTensors).toBe(start);
    }
  });

  it("gives the same paths from the in-memory cache, synchronously, without new searches", async () => {
    clearNeighbourTables();
    const first = MonotonicPathBuilder.fromEmbeddings(fx.embeddings, fx.vocab, fx.hidden, { modelId: name, embedScale: scale, specialIds: fx.special });
    await first.prepare(pairsOf(fx.cases[0]), params);
    const second = MonotonicPathBuilder.fromEmbeddings(fx.embeddings, fx.vocab, fx.hidden, { modelId: name, embedScale: scale, specialIds: fx.special });
    expect(second.cacheKey).toBe(first.cacheKey);
    const got = pairsOf(fx.cases[0]).map(([w, b]) => Array.from(second.wordPath(w, b, params)));
    expect(got).toEqual(fx.cases[0].dig_word_paths);
    expect(second.stats.searchedWords).toBe(0);
    first.dispose();
    second.dispose();
  });

  it("round-trips the neighbour cache through a folder", async () => {
    const store = nodeFileNeighbourStore(join(dir, name));
    clearNeighbourTables();
    const writer = MonotonicPathBuilder.fromEmbeddings(fx.embeddings, fx.vocab, fx.hidden, { modelId: `org/${name}`, embedScale: scale, specialIds: fx.special });
    await writer.prepare(pairsOf(fx.cases[1]), { ...params, store });
    expect(writer.stats.storeError).toBeUndefined();
    expect(await readdir(join(dir, name))).toEqual([`${writer.cacheKey}.bin`]);
    const saved = writer.cachedWords;
    writer.dispose();

    clearNeighbourTables();
    const reader = MonotonicPathBuilder.fromEmbeddings(fx.embeddings, fx.vocab, fx.hidden, { modelId: `org/${name}`, embedScale: scale, specialIds: fx.special });
    await reader.prepare(pairsOf(fx.cases[1]), { ...params, store });
    expect(reader.stats.loadedWords).toBe(saved);
    expect(reader.stats.searchedWords).toBe(0);
    expect(pairsOf(fx.cases[1]).map(([w, b]) => Array.from(reader.wordPath(w, b, params)))).toEqual(fx.cases[1].dig_word_paths);
    // Any changed byte of the embeddings changes the key: the old file is not used.
    const changed = fx.embeddings.slice();
    changed[changed.length - 1] += 1e-3;
    const other = MonotonicPathBuilder.fromEmbeddings(changed, fx.vocab, fx.hidden, { modelId: `org/${name}`, embedScale: scale });
    expect(other.cacheKey).not.toBe(reader.cacheKey);
    reader.dispose();
  });

  it("builds monotonic embedding paths from the baseline to the input, special tokens constant after the baseline", () => {
    clearNeighbourTables();
    const builder = MonotonicPathBuilder.fromEmbeddings(fx.embeddings, fx.vocab, fx.hidden, { modelId: name, embedScale: scale, specialIds: fx.special });
    const H = fx.hidden;
    const row = (id: number) => Array.from(fx.embeddings.subarray(id * H, (id + 1) * H), (v) => Math.fround(v * Math.fround(scale)));
    const [w, b] = pairsOf(fx.cases[0])[1];
    const path = builder.embeddingPath(w, b, params);
    expect(Array.from(path.subarray(0, H))).toEqual(row(b));
    expect(Array.from(path.subarray(49 * H))).toEqual(row(w));
    // inseq's check_monotonic: every point lies between its predecessor and the input, in every dimension.
    for (let i = 0; i < 49; i++) {
      for (let d = 0; d < H; d++) expect(isMonotonicDim(path[(i + 1) * H + d], path[49 * H + d], path[i * H + d])).toBe(true);
    }
    const special = fx.special[0];
    const constant = builder.embeddingPath(special, 1, params);
    expect(Array.from(builder.wordPath(special, 1, params))).toEqual(new Array(49).fill(special));
    expect(Array.from(constant.subarray(0, H))).toEqual(row(1));
    for (let i = 1; i < 50; i++) expect(Array.from(constant.subarray(i * H, (i + 1) * H))).toEqual(row(special));
    builder.dispose();
  });
});

describe("MonotonicPathBuilder strategies and validation", () => {
  const fx = load("tiny-gpt2", "transformer.wte.weight");

  it("maxcount picks, at every step, a neighbour with the most monotonic dimensions", async () => {
    clearNeighbourTables();
    const builder = MonotonicPathBuilder.fromEmbeddings(fx.embeddings, fx.vocab, fx.hidden, { modelId: "m", specialIds: fx.special });
    const params = { nSteps: 12, strategy: "maxcount" as const };
    const [w, b] = [123, 1];
    const path = builder.wordPath(w, b, params);
    expect(path.length).toBe(11);
    const H = fx.hidden;
    const E = builder.space.data;
    const count = (a: number, cur: number) => Array.from({ length: H }, (_, d) => isMonotonicDim(E[a * H + d], E[b * H + d], E[cur * H + d])).filter(Boolean).length;
    for (let i = 1; i < path.length; i++) {
      const candidates = Array.from(builder.neighbours(path[i - 1])).filter((a) => a !== b && !path.slice(0, i).includes(a));
      const best = Math.max(...candidates.map((a) => count(a, path[i - 1])));
      expect(count(path[i], path[i - 1])).toBe(best);
      // ties go to the nearest neighbour (stable sort over the kneighbors order)
      expect(candidates.find((a) => count(a, path[i - 1]) === best)).toBe(path[i]);
    }
    expect(new Set(path).size).toBe(path.length);
    // the strategy matters: greedy takes another route from the same word
    expect(Array.from(builder.wordPath(w, b, { nSteps: 12, strategy: "greedy" }))).not.toEqual(Array.from(path));
    builder.dispose();
  });

  it("rejects bad options and ids with typed errors", () => {
    expect(() => MonotonicPathBuilder.fromEmbeddings(fx.embeddings, fx.vocab, fx.hidden, { modelId: "m", nNeighbors: fx.vocab })).toThrow(/nNeighbors/);
    expect(() => MonotonicPathBuilder.fromEmbeddings(fx.embeddings, fx.vocab + 1, fx.hidden, { modelId: "m" })).toThrow(/vocabSize/);
    const builder = MonotonicPathBuilder.fromEmbeddings(fx.embeddings, fx.vocab, fx.hidden, { modelId: "m" });
    expect(() => builder.wordPath(fx.vocab, 1, { nSteps: 50, strategy: "greedy" })).toThrow(/outside the vocabulary/);
    expect(() => builder.wordPath(3, 1, { nSteps: 1, strategy: "greedy" })).toThrow(/nSteps/);
    expect(() => builder.wordPath(3, 1, { nSteps: 5, strategy: "fastest" as "greedy" })).toThrow(/strategy/);
  });
});
