import { inseqError, isInseqError, parseSafetensorsHeader, readSafetensorsTensor } from "@inseqjs/core";
import type { SafetensorsHeader } from "@inseqjs/core";
import { checkRelativePath } from "../files/checkRelativePath.js";
import type { ModelFiles } from "../files/ModelFiles.js";
import { readJsonFile } from "../files/readJsonFile.js";
import type { WeightSource } from "./WeightSource.js";

interface Shard {
  readonly bytes: Uint8Array;
  readonly header: SafetensorsHeader;
}

async function readShard(files: ModelFiles, path: string): Promise<Shard> {
  const bytes = await files.read(path);
  return { bytes, header: parseSafetensorsHeader(bytes) };
}

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
 * Tensors are read lazily from the file bytes (F32, F16 and BF16 all come out as float32).
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
  return {
    location: files.location,
    names: () => [...byTensor.keys()],
    shape: (name) => byTensor.get(name)?.header.tensors.get(name)?.shape,
    read(name) {
      const shard = byTensor.get(name);
      if (!shard) throw inseqError("MALFORMED_FILE", `The weights in ${files.location} have no tensor "${name}".`);
      return readSafetensorsTensor(shard.bytes, shard.header, name);
    },
  };
}
