import * as tf from "@tensorflow/tfjs-core";
import { inseqError } from "@inseqjs/core";
import { checkFiniteWeights } from "./checkFiniteWeights.js";
import type { WeightSource } from "./WeightSource.js";

/** How a checkpoint tensor is turned into the parameter the model computes with. */
export type ParameterLayout = "asStored" | "transposed";

/**
 * The model's parameters as tf tensors, created once from a {@link WeightSource}: each name is loaded at most once
 * (tied / shared weights are one tensor), checked against the expected shape and for NaN / Infinity (`NON_FINITE`),
 * and freed together by `dispose`.
 */
export class ParameterStore {
  private readonly tensors = new Map<string, tf.Tensor>();
  private disposed = false;
  private source: WeightSource | undefined;

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
    const values = this.checkpoint().read(name);
    checkFiniteWeights(name, values, this.checkpoint().location);
    const tensor = layout === "transposed"
      ? tf.tidy(() => tf.transpose(tf.tensor(values, expectedStored as number[])))
      : tf.tensor(values, shape as number[]);
    this.tensors.set(key, tensor);
    return tensor as tf.Tensor<R>;
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
