import * as tf from "@tensorflow/tfjs-core";
import { inseqError } from "@inseqjs/core";
import { checkFiniteWeights } from "./checkFiniteWeights.js";
import { transposeFloat32 } from "./transposeFloat32.js";
import type { WeightSource } from "./WeightSource.js";

/** The backend calls {@link ParameterStore} uses to write parameters in place (tfjs-backend-wasm's `BackendWasm`). */
interface HeapBackend {
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): unknown;
  disposeData(dataId: tf.DataId): boolean;
}

/** Largest heap reservation made ahead of loading (the wasm heap tops out at 4 GiB). */
const MAX_RESERVED_BYTES = 2 ** 31;

/** The stored `(rows, cols)` of a weight read transposed, or `undefined` when no data moves (not transposed, or a vector). */
function transposition(expectedStored: readonly number[], transpose: boolean): readonly [number, number] | undefined {
  const [rows, cols] = expectedStored as [number, number];
  return transpose && rows > 1 && cols > 1 ? [rows, cols] : undefined;
}

/** How a checkpoint tensor is turned into the parameter the model computes with. */
export type ParameterLayout = "asStored" | "transposed";

/**
 * The model's parameters as tf tensors, created once from a {@link WeightSource}: each name is loaded at most once
 * (tied / shared weights are one tensor), checked against the expected shape and for NaN / Infinity (`NON_FINITE`),
 * and freed together by `dispose`. On wasm, a source with `readInto` writes each parameter straight into the heap
 * (converted, transposed and checked in the same pass); elsewhere the host values go through `tf.tensor`.
 */
export class ParameterStore {
  private readonly tensors = new Map<string, tf.Tensor>();
  private disposed = false;
  private source: WeightSource | undefined;
  private reserved = false;

  constructor(source: WeightSource, private readonly modelClass: string) {
    this.source = source;
  }

  private checkpoint(): WeightSource {
    if (!this.source) throw inseqError("INTERNAL", `${this.modelClass}: parameters requested after loading finished.`);
    return this.source;
  }

  /** The first of `candidates` present in the checkpoint (checkpoints differ in prefixes), or `undefined`. */
  find(candidates: readonly string[]): string | undefined {
    return candidates.find((name) => this.checkpoint().shape(name) !== undefined);
  }

  /** Drops the checkpoint (the file bytes) once every parameter is created, so that only the tensors stay in memory. */
  finishLoading(): void {
    this.source = undefined;
  }

  /**
   * The parameter stored under the first present of `candidates`, with `shape` as stored; `"transposed"` turns a
   * 2-D `nn.Linear` weight `(out, in)` into `(in, out)` once, here, so that the forward computes plain `x·W`.
   */
  get<R extends tf.Rank>(candidates: string | readonly string[], shape: readonly number[], layout: ParameterLayout = "asStored"): tf.Tensor<R> {
    const names = typeof candidates === "string" ? [candidates] : candidates;
    const name = this.find(names);
    if (name === undefined) {
      throw inseqError("MALFORMED_FILE", `The ${this.modelClass} weights in ${this.checkpoint().location} have no "${names[0]}"${names.length > 1 ? ` (nor ${names.slice(1).join(", ")})` : ""}. The checkpoint does not match config.json; re-download the model.`);
    }
    const key = `${name}|${layout}`;
    const cached = this.tensors.get(key);
    if (cached) return cached as tf.Tensor<R>;
    const stored = this.checkpoint().shape(name)!;
    const count = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
    const expectedStored = layout === "transposed" ? [shape[1], shape[0]] : shape;
    // [1, n] and [n] are the same parameter (e.g. final_logits_bias); anything else must match exactly.
    const sameShape = stored.length === expectedStored.length ? stored.every((d, i) => d === expectedStored[i]) : count(stored) === count(expectedStored) && stored.filter((d) => d !== 1).join() === expectedStored.filter((d) => d !== 1).join();
    if (!sameShape) {
      throw inseqError("MALFORMED_FILE", `Weight "${name}" has shape [${stored.join(", ")}] but config.json implies [${expectedStored.join(", ")}]. The checkpoint does not match config.json; re-download the model.`);
    }
    const transpose = layout === "transposed";
    this.reserveHeap();
    const tensor = this.uploadInPlace(name, stored, expectedStored, shape, transpose) ?? this.upload(name, stored, expectedStored, shape, transpose);
    this.tensors.set(key, tensor);
    return tensor as tf.Tensor<R>;
  }

  /**
   * Once, before the first parameter: on a backend with its own heap (wasm), allocates and frees room for every
   * checkpoint tensor at once, so that the heap grows in one step instead of one per tensor (each growth is
   * reported to V8 as external memory and sets off a full garbage collection). Best effort.
   */
  private reserveHeap(): void {
    if (this.reserved) return;
    this.reserved = true;
    const backend = tf.backend() as Partial<HeapBackend>;
    if (typeof backend.makeOutput !== "function" || typeof backend.typedArrayFromHeap !== "function" || typeof backend.disposeData !== "function") return;
    const source = this.checkpoint();
    let floats = 0;
    for (const name of source.names()) floats += (source.shape(name) ?? []).reduce((a, b) => a * b, 1);
    if (floats === 0 || floats * 4 > MAX_RESERVED_BYTES) return;
    try {
      backend.disposeData(backend.makeOutput([floats], "float32").dataId);
    } catch {
      // no room at once: the parameters are still allocated one by one
    }
  }

  /**
   * The tensor of `name` made by the source writing straight into the backend's memory (wasm: `makeOutput` +
   * `typedArrayFromHeap`, the calls its kernels use), checked there; `undefined` when the backend or the source
   * cannot (then {@link upload} is used).
   */
  private uploadInPlace(name: string, stored: readonly number[], expectedStored: readonly number[], shape: readonly number[], transpose: boolean): tf.Tensor | undefined {
    const source = this.checkpoint();
    const backend = tf.backend() as Partial<HeapBackend>;
    if (!source.readInto || typeof backend.makeOutput !== "function" || typeof backend.typedArrayFromHeap !== "function") return undefined;
    const transposedFrom = transposition(expectedStored, transpose);
    if (transposedFrom && stored.length !== 2) return undefined;
    const info = backend.makeOutput([...shape], "float32");
    const tensor = tf.engine().makeTensorFromTensorInfo(info);
    try {
      const dst = backend.typedArrayFromHeap(info);
      if (!(dst instanceof Float32Array) || dst.length !== tensor.size) throw inseqError("INTERNAL", `${tf.getBackend()} gave no float32 memory of ${tensor.size} values for "${name}".`);
      const allFinite = source.readInto(name, dst, { transpose: transposedFrom !== undefined });
      if (allFinite !== true) checkFiniteWeights(name, dst, source.location, transposedFrom);
      return tensor;
    } catch (e) {
      tensor.dispose();
      throw e;
    }
  }

  /** The tensor of `name` created from host values (`tf.tensor`: the backend copies them, or keeps them on cpu). */
  private upload(name: string, stored: readonly number[], expectedStored: readonly number[], shape: readonly number[], transpose: boolean): tf.Tensor {
    const { values, allFinite, transposedFrom } = this.readValues(name, stored, expectedStored, transpose);
    if (allFinite !== true) checkFiniteWeights(name, values, this.checkpoint().location, transposedFrom);
    return tf.tensor(values, shape as number[]);
  }

  /**
   * Host-side values of `name` in compute layout: transposed here (in the conversion pass when the source can) rather
   * than by a tf kernel.
   */
  private readValues(name: string, stored: readonly number[], expectedStored: readonly number[], transpose: boolean) {
    const source = this.checkpoint();
    const transposedFrom = transposition(expectedStored, transpose);
    const [rows, cols] = expectedStored as [number, number];
    if (source.readFloat32) {
      // a stored [1, n] read as [n, 1] (or the reverse) is laid out the same either way
      const inSource = transposedFrom !== undefined && stored.length === 2;
      const read = source.readFloat32(name, { transpose: inSource });
      if (inSource || !transposedFrom) return { ...read, transposedFrom };
      return { values: transposeFloat32(read.values, rows, cols), allFinite: read.allFinite, transposedFrom };
    }
    const values = source.read(name);
    return { values: transposedFrom ? transposeFloat32(values, rows, cols) : values, allFinite: undefined, transposedFrom };
  }

  /** Keeps a tensor computed by the model (e.g. a sinusoidal position table) so that `dispose` frees it too. */
  own<T extends tf.Tensor>(key: string, tensor: T): T {
    this.tensors.set(`#${key}`, tensor);
    return tensor;
  }

  /** Frees every parameter. */
  dispose(): void {
    if (this.disposed) return;
    for (const t of this.tensors.values()) t.dispose();
    this.tensors.clear();
    this.disposed = true;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }
}
