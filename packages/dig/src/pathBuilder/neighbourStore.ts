import { inseqError } from "@inseqjs/core";

/** Neighbour lists of one vocabulary space, as persisted: `ids[i]`'s `k` neighbours are `lists[i·k, (i+1)·k)`. */
export interface NeighbourRecord {
  /** Cache key (model id, shape, scale, k, content hash); checked on load. */
  readonly key: string;
  readonly k: number;
  readonly ids: Int32Array;
  readonly lists: Int32Array;
}

/** Where neighbour lists persist between runs (a folder in Node, IndexedDB in browsers, or anything custom). */
export interface NeighbourStore {
  /** Human-readable location, for messages. */
  readonly location: string;
  /** The record saved under `key`, or undefined when there is none (or it is unreadable). */
  load(key: string): Promise<NeighbourRecord | undefined>;
  save(record: NeighbourRecord): Promise<void>;
}

const MAGIC = "IQDIGNB1";

/** Binary layout: 8-byte magic, u32 header length, JSON header `{key,k,count}`, padding to 4, i32 ids, i32 lists (LE). */
export function encodeNeighbourRecord(record: NeighbourRecord): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify({ key: record.key, k: record.k, count: record.ids.length }));
  const start = Math.ceil((12 + header.length) / 4) * 4;
  const out = new Uint8Array(start + 4 * (record.ids.length + record.lists.length));
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, header.length, true);
  out.set(header, 12);
  let o = start;
  for (const v of record.ids) (view.setInt32(o, v, true), (o += 4));
  for (const v of record.lists) (view.setInt32(o, v, true), (o += 4));
  return out;
}

/** Inverse of {@link encodeNeighbourRecord}; throws `MALFORMED_FILE` on anything inconsistent. */
export function decodeNeighbourRecord(bytes: Uint8Array): NeighbourRecord {
  const bad = (why: string) => inseqError("MALFORMED_FILE", `DIG neighbour cache is unreadable (${why}); delete the file or pass cache: false.`);
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw bad("wrong magic");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) throw bad("truncated header");
  let header: { key?: unknown; k?: unknown; count?: unknown };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
  } catch {
    throw bad("header is not JSON");
  }
  const { key, k, count } = header;
  if (typeof key !== "string" || !Number.isInteger(k) || !Number.isInteger(count) || (k as number) < 1 || (count as number) < 0) throw bad("invalid header");
  const start = Math.ceil((12 + headerLength) / 4) * 4;
  const n = count as number;
  if (bytes.length !== start + 4 * n * (1 + (k as number))) throw bad("length does not match the header");
  const ids = new Int32Array(n);
  const lists = new Int32Array(n * (k as number));
  let o = start;
  for (let i = 0; i < ids.length; i++, o += 4) ids[i] = view.getInt32(o, true);
  for (let i = 0; i < lists.length; i++, o += 4) lists[i] = view.getInt32(o, true);
  return { key, k: k as number, ids, lists };
}

/** Default cache folder in Node: `~/.cache/inseqjs/dig`. */
export async function defaultCacheDir(): Promise<string> {
  const [os, path] = await Promise.all([import("node:os"), import("node:path")]);
  return path.join(os.homedir(), ".cache", "inseqjs", "dig");
}

/** A store writing one `<key>.bin` file per vocabulary space under `dir` (Node only; atomic rename on save). */
export function nodeFileNeighbourStore(dir: string): NeighbourStore {
  const fileOf = async (key: string) => (await import("node:path")).join(dir, `${key}.bin`);
  return {
    location: dir,
    async load(key) {
      const fs = await import("node:fs/promises");
      let bytes: Uint8Array;
      try {
        bytes = await fs.readFile(await fileOf(key));
      } catch {
        return undefined;
      }
      const record = decodeNeighbourRecord(bytes);
      return record.key === key ? record : undefined;
    },
    async save(record) {
      const fs = await import("node:fs/promises");
      const file = await fileOf(record.key);
      await fs.mkdir(dir, { recursive: true });
      const tmp = `${file}.${process.pid}-${Date.now()}.tmp`;
      await fs.writeFile(tmp, encodeNeighbourRecord(record));
      await fs.rename(tmp, file);
    },
  };
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** A store in the browser's IndexedDB (database `inseqjs-dig`, object store `neighbours`, one entry per key). */
export function indexedDbNeighbourStore(dbName = "inseqjs-dig"): NeighbourStore {
  let db: Promise<IDBDatabase> | undefined;
  const open = () => {
    db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(dbName, 1);
      req.onupgradeneeded = () => req.result.createObjectStore("neighbours");
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    return db;
  };
  return {
    location: `indexedDB:${dbName}`,
    async load(key) {
      const bytes = await request((await open()).transaction("neighbours", "readonly").objectStore("neighbours").get(key));
      if (!(bytes instanceof Uint8Array)) return undefined;
      const record = decodeNeighbourRecord(bytes);
      return record.key === key ? record : undefined;
    },
    async save(record) {
      await request((await open()).transaction("neighbours", "readwrite").objectStore("neighbours").put(encodeNeighbourRecord(record), record.key));
    },
  };
}

/** The store of this environment: a folder in Node (`cacheDir` or {@link defaultCacheDir}), IndexedDB in browsers. */
export async function defaultNeighbourStore(cacheDir?: string): Promise<NeighbourStore | undefined> {
  if (typeof process !== "undefined" && process.versions?.node) return nodeFileNeighbourStore(cacheDir ?? (await defaultCacheDir()));
  if (typeof indexedDB !== "undefined") return indexedDbNeighbourStore();
  return undefined;
}
