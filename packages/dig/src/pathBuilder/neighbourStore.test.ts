import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MonotonicPathBuilder, clearNeighbourTables } from "./monotonicPathBuilder.js";
import { decodeNeighbourRecord, defaultNeighbourStore, encodeNeighbourRecord, indexedDbNeighbourStore, nodeFileNeighbourStore, type NeighbourRecord } from "./neighbourStore.js";

const record: NeighbourRecord = { key: "m__4x2__s1__k2__0123456789abcdef", k: 2, ids: Int32Array.from([3, 0]), lists: Int32Array.from([1, 2, 3, 1]) };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "inseqjs-dig-store-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Just enough of the IndexedDB API (open/upgrade, one object store, get/put) to run the browser store in Node. */
function fakeIndexedDB() {
  const data = new Map<string, unknown>();
  const request = <T>(produce: () => T) => {
    const req: { result?: T; error?: unknown; onsuccess?: () => void; onerror?: () => void; onupgradeneeded?: () => void } = {};
    queueMicrotask(() => {
      req.result = produce();
      req.onsuccess?.();
    });
    return req;
  };
  let created = false;
  const db = {
    createObjectStore: () => (created = true),
    transaction: () => ({
      objectStore: () => ({
        get: (key: string) => request(() => data.get(key)),
        put: (value: unknown, key: string) => request(() => void data.set(key, value)),
      }),
    }),
  };
  return {
    data,
    get created() {
      return created;
    },
    open: () => {
      const req: { result?: typeof db; onsuccess?: () => void; onupgradeneeded?: () => void } = {};
      queueMicrotask(() => {
        req.result = db;
        if (!created) req.onupgradeneeded?.();
        req.onsuccess?.();
      });
      return req;
    },
  };
}

describe("neighbour stores", () => {
  it("encodes and decodes records, rejecting damaged bytes with MALFORMED_FILE", () => {
    const bytes = encodeNeighbourRecord(record);
    expect(decodeNeighbourRecord(bytes)).toEqual(record);
    for (const damaged of [bytes.subarray(0, bytes.length - 4), Uint8Array.from(bytes, (b, i) => (i === 0 ? b ^ 1 : b)), new Uint8Array(3)]) {
      expect(() => decodeNeighbourRecord(damaged)).toThrow(expect.objectContaining({ code: "MALFORMED_FILE" }));
    }
  });

  it("saves to and loads from a folder, ignoring a record saved under another key", async () => {
    const store = nodeFileNeighbourStore(join(dir, "a"));
    expect(await store.load(record.key)).toBeUndefined();
    await store.save(record);
    expect(await store.load(record.key)).toEqual(record);
    await writeFile(join(dir, "a", "other.bin"), encodeNeighbourRecord(record));
    expect(await store.load("other")).toBeUndefined();
    expect((await defaultNeighbourStore(join(dir, "b")))!.location).toBe(join(dir, "b"));
  });

  it("saves to and loads from IndexedDB", async () => {
    const fake = fakeIndexedDB();
    (globalThis as { indexedDB?: unknown }).indexedDB = fake;
    try {
      const store = indexedDbNeighbourStore("test-db");
      expect(await store.load(record.key)).toBeUndefined();
      await store.save(record);
      expect(fake.created).toBe(true);
      expect(fake.data.get(record.key)).toBeInstanceOf(Uint8Array);
      expect(await store.load(record.key)).toEqual(record);
    } finally {
      delete (globalThis as { indexedDB?: unknown }).indexedDB;
    }
  });

  it("recovers from a corrupt cache file: records the error, recomputes, rewrites it", async () => {
    const store = nodeFileNeighbourStore(join(dir, "c"));
    const V = 30, H = 4;
    const embeddings = Float32Array.from({ length: V * H }, (_, i) => Math.sin(i * 1.7));
    clearNeighbourTables();
    const builder = MonotonicPathBuilder.fromEmbeddings(embeddings, V, H, { modelId: "corrupt", nNeighbors: 5, knn: "js" });
    await store.save({ ...record, key: builder.cacheKey });
    const file = join(dir, "c", `${builder.cacheKey}.bin`);
    await writeFile(file, new Uint8Array([1, 2, 3, 4, 5]));
    await builder.prepare([[7, 1]], { nSteps: 6, strategy: "greedy", store });
    expect(builder.stats.storeError).toMatch(/unreadable/);
    expect(builder.stats.searchedWords).toBeGreaterThan(0);
    const rewritten = decodeNeighbourRecord(new Uint8Array(await readFile(file)));
    expect(rewritten.ids.length).toBe(builder.stats.searchedWords);
  });
});
