import { decodeSafetensorsData, inseqError, isInseqError, parseSafetensorsHeader, safetensorsDataStart } from "@inseqjs/core";
import type { SafetensorsHeader } from "@inseqjs/core";
import { checkRelativePath } from "../files/checkRelativePath.js";
import type { ModelFiles, RandomAccessFile } from "../files/ModelFiles.js";
import { readJsonFile } from "../files/readJsonFile.js";
import { float32AllFinite } from "./checkFiniteWeights.js";
import type { WeightSource } from "./WeightSource.js";

/** One safetensors file: held whole in memory, or read at random from disk (tensor by tensor, straight into place). */
interface Shard {
  readonly header: SafetensorsHeader;
  readonly bytes?: Uint8Array;
  readonly file?: RandomAccessFile;
  readonly path: string;
}

async function readShard(files: ModelFiles, path: string): Promise<Shard> {
  const file = files.open ? await files.open(path) : undefined;
  if (!file) {
    const bytes = await files.read(path);
    return { bytes, header: parseSafetensorsHeader(bytes), path };
  }
  // only the header is read now; tensors are read when the model asks for them
  const first = new Uint8Array(8);
  file.readSync(first, 0);
  const dataStart = safetensorsDataStart(first, file.size);
  const head = new Uint8Array(dataStart);
  if (file.readSync(head, 0) < dataStart) throw truncated(path, files.location);
  return { file, header: parseSafetensorsHeader(head, { fileSize: file.size }), path };
}

function truncated(path: string, location: string): Error {
  return inseqError("MALFORMED_SAFETENSORS", `${path} in ${location} ended before the data its header lists (truncated while loading?). Re-download the file.`);
}

/** Bytes read per piece when a tensor is read from disk piecewise: small enough to stay in cache between passes. */
const PIECE = 1 << 20;

async function tryRead<T>(f: () => Promise<T>): Promise<T | undefined> {
  try {
    return await f();
  } catch (e) {
    if (isInseqError(e, "MISSING_FILE")) return undefined;
    throw e;
  }
}

function shardMap(index: Record<string, unknown>, location: string): Map<string, string> {
  const map = index.weight_map;
  if (!map || typeof map !== "object" || Array.isArray(map) || !Object.values(map).every((v) => typeof v === "string")) {
    throw inseqError("MALFORMED_FILE", `model.safetensors.index.json in ${location} has no "weight_map" of tensor name → shard file. Re-download the model.`);
  }
  return new Map(Object.entries(map as Record<string, string>));
}

/**
 * Opens the weights of a model: `model.safetensors`, or the shards listed in `model.safetensors.index.json`.
 * Tensors are read lazily (F32, F16 and BF16 all come out as float32): from disk tensor by tensor where `files` can
 * `open` them (local folders, the hub cache), else from the file bytes in memory. `readFloat32` gives aligned F32 data
 * as views of the file bytes and converts F16 / BF16 (transposed when asked) in one pass; `readInto` writes straight
 * into the caller's (the backend's) memory.
 */
export async function openSafetensorsWeights(files: ModelFiles): Promise<WeightSource> {
  const byTensor = new Map<string, Shard>();
  const single = await tryRead(() => readShard(files, "model.safetensors"));
  if (single) {
    for (const name of single.header.tensors.keys()) byTensor.set(name, single);
  } else {
    const index = await tryRead(() => readJsonFile(files, "model.safetensors.index.json"));
    if (!index) {
      throw inseqError(
        "MISSING_FILE",
        `Neither model.safetensors nor model.safetensors.index.json is in ${files.location}. inseq.js reads safetensors weights only: ` +
          `in Python, model.save_pretrained(folder) writes them (safe_serialization is the default).`,
      );
    }
    const map = shardMap(index, files.location);
    const shards = new Map<string, Shard>();
    for (const file of new Set(map.values())) shards.set(file, await readShard(files, checkRelativePath(file, files.location)));
    for (const [name, file] of map) {
      const shard = shards.get(file)!;
      if (!shard.header.tensors.has(name)) {
        throw inseqError("MALFORMED_FILE", `model.safetensors.index.json maps "${name}" to ${file}, which does not hold it. Re-download the model.`);
      }
      byTensor.set(name, shard);
    }
  }
  const shardOf = (name: string): Shard => {
    const shard = byTensor.get(name);
    if (!shard) throw inseqError("MALFORMED_FILE", `The weights in ${files.location} have no tensor "${name}".`);
    return shard;
  };
  // stored bytes of tensors read from disk land here (reused: no fresh memory per tensor)
  let scratch = new Uint8Array(0);
  const scratchOf = (length: number): Uint8Array => {
    if (scratch.byteLength < length) scratch = new Uint8Array(length);
    return scratch.subarray(0, length);
  };
  const entryOf = (shard: Shard, name: string) => {
    const entry = shard.header.tensors.get(name)!;
    const begin = shard.header.dataStart + entry.dataOffsets[0];
    return { entry, begin, byteLength: entry.dataOffsets[1] - entry.dataOffsets[0], count: entry.shape.reduce((a, b) => a * b, 1) };
  };
  /** `into.byteLength` bytes of `shard`'s file from `position`. */
  const readExactly = (shard: Shard, into: Uint8Array, position: number): Uint8Array => {
    if (shard.file!.readSync(into, position) < into.byteLength) throw truncated(shard.path, files.location);
    return into;
  };
  /** The stored bytes of `name`: a view of the file held in memory, else read from disk into `into` (or scratch). */
  const storedBytes = (shard: Shard, name: string, into?: Uint8Array): Uint8Array => {
    const { begin, byteLength } = entryOf(shard, name);
    if (shard.bytes) return shard.bytes.subarray(begin, begin + byteLength);
    return readExactly(shard, into ?? scratchOf(byteLength), begin);
  };
  return {
    location: files.location,
    names: () => [...byTensor.keys()],
    shape: (name) => byTensor.get(name)?.header.tensors.get(name)?.shape,
    read(name) {
      const shard = shardOf(name);
      const { entry } = entryOf(shard, name);
      // a new array the caller owns, in every case
      return decodeSafetensorsData(entry.dtype, entry.shape, storedBytes(shard, name)).values;
    },
    readFloat32(name, options = {}) {
      const shard = shardOf(name);
      const { entry, count } = entryOf(shard, name);
      const transpose = options.transpose === true;
      // F32 as stored: a view of the file held in memory, or read from disk straight into the result
      if (entry.dtype === "F32" && !transpose) {
        if (shard.bytes) return decodeSafetensorsData(entry.dtype, entry.shape, storedBytes(shard, name), { allowView: true });
        const values = new Float32Array(count);
        storedBytes(shard, name, new Uint8Array(values.buffer));
        return { values, allFinite: undefined };
      }
      return decodeSafetensorsData(entry.dtype, entry.shape, storedBytes(shard, name), { transpose });
    },
    readInto(name, dst, options = {}) {
      const shard = shardOf(name);
      const { entry, begin, byteLength, count } = entryOf(shard, name);
      if (dst.length !== count) throw inseqError("INTERNAL", `readInto("${name}") got ${dst.length} slots for ${count} values.`);
      const transpose = options.transpose === true;
      const elementBytes = byteLength / Math.max(count, 1);
      if (transpose || !(entry.dtype === "F32" || entry.dtype === "BF16" || entry.dtype === "F16") || count === 0) {
        return decodeSafetensorsData(entry.dtype, entry.shape, storedBytes(shard, name), { transpose, out: dst }).allFinite;
      }
      // as stored, piece by piece: each piece is checked (F32) or converted (F16, BF16) while it is in cache
      const perPiece = Math.floor(PIECE / 4);
      let allFinite = true;
      for (let at = 0; at < count; at += perPiece) {
        const n = Math.min(perPiece, count - at);
        const target = dst.subarray(at, at + n);
        const position = begin + at * elementBytes;
        if (entry.dtype === "F32") {
          const targetBytes = new Uint8Array(target.buffer, target.byteOffset, n * 4);
          if (shard.bytes) {
            const piece = shard.bytes.subarray(position, position + n * 4);
            allFinite = pieceFinite(piece) && allFinite;
            targetBytes.set(piece);
          } else {
            readExactly(shard, targetBytes, position);
            allFinite = float32AllFinite(target) && allFinite;
          }
        } else {
          const piece = shard.bytes ? shard.bytes.subarray(position, position + n * 2) : readExactly(shard, scratchOf(n * 2), position);
          allFinite = decodeSafetensorsData(entry.dtype, [n], piece, { out: target }).allFinite === true && allFinite;
        }
      }
      return allFinite;
    },
  };
}

/** Whether the F32 values stored in `bytes` are all finite (a typed view when aligned, else an aligned copy). */
function pieceFinite(bytes: Uint8Array): boolean {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return float32AllFinite(new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4));
}
