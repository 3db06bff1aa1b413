import * as tf from "@tensorflow/tfjs-core";
import { inseqError, LAYER_INPUT_SUFFIX } from "@inseqjs/core";
import type { ForwardOptions } from "@inseqjs/core";
import { closestNames } from "./closestNames.js";

/**
 * Capture and override of named layers during one forward pass — Captum's forward hooks, done functionally. The
 * architecture code wraps each Hugging Face module call in {@link LayerHooks.module}; the hooks then return, replace
 * or record the module's input (`name:input`) and output. One instance per forward.
 */
export class LayerHooks {
  /** Captured tensors by requested key (fresh tensors, owned by the caller of the forward). */
  readonly captured: Record<string, tf.Tensor> = {};
  /** The forward's {@link ForwardOptions.deepLiftReference}: activations apply DeepLIFT's Rescale rule when set. */
  readonly deepLiftReference?: "rescale";
  private readonly capture: ReadonlySet<string>;
  private readonly override: ReadonlyMap<string, tf.Tensor>;
  private readonly seen = new Map<string, readonly string[]>();

  /**
   * Validates the requested names against `layerNames` (`UNKNOWN_LAYER` with the closest names) before anything runs.
   * @param layerNames every module name of the model
   * @param modelClass for messages
   */
  constructor(layerNames: readonly string[], options: ForwardOptions, private readonly modelClass: string) {
    const known = new Set(layerNames);
    const requested = [...(options.capture ?? []), ...Object.keys(options.override ?? {})];
    for (const key of requested) {
      const base = key.endsWith(LAYER_INPUT_SUFFIX) ? key.slice(0, -LAYER_INPUT_SUFFIX.length) : key;
      if (!known.has(base)) {
        const close = closestNames(base, layerNames).map((n) => `"${n}"`).join(", ");
        throw inseqError(
          "UNKNOWN_LAYER",
          `Unknown layer "${key}" for ${modelClass}. Closest names: ${close}. model.layerNames() lists all ${layerNames.length}; append "${LAYER_INPUT_SUFFIX}" to address a layer's input.`,
        );
      }
    }
    this.capture = new Set(options.capture ?? []);
    this.override = new Map(Object.entries(options.override ?? {}));
    this.deepLiftReference = options.deepLiftReference;
  }

  /** Whether any capture or override is requested at all (the forward can skip hook work otherwise). */
  get active(): boolean {
    return this.capture.size > 0 || this.override.size > 0;
  }

  /** Whether a capture or override names module `name` (its output or its `:input`). */
  touches(name: string): boolean {
    if (!this.active) return false;
    const keys = [name, name + LAYER_INPUT_SUFFIX];
    return keys.some((k) => this.capture.has(k) || this.override.has(k));
  }

  /**
   * Whether a capture or override names a module strictly inside `prefix` (`prefix.…`), e.g. a sub-layer of a
   * decoder block: such a block must run once, taped, rather than be recomputed in the backward pass.
   */
  touchesInside(prefix: string): boolean {
    if (!this.active) return false;
    const inner = `${prefix}.`;
    return [...this.capture, ...this.override.keys()].some((key) => key.startsWith(inner));
  }

  /**
   * Runs one module call: `names` is the module's name followed by its aliases (a shared module reached under
   * several names). Applies the `:input` hooks to `input`, calls `fn`, applies the output hooks to its result.
   */
  module<I extends tf.Tensor, O extends tf.Tensor>(names: string | readonly string[], input: I, fn: (x: I) => O): O {
    const group = typeof names === "string" ? [names] : names;
    return this.point(group, "", fn(this.point(group, LAYER_INPUT_SUFFIX, input)));
  }

  private point<T extends tf.Tensor>(group: readonly string[], suffix: string, value: T): T {
    if (!this.active) return value;
    const keys = group.map((n) => n + suffix).filter((k) => this.capture.has(k) || this.override.has(k));
    if (keys.length === 0) return value;
    for (const key of keys) {
      const before = this.seen.get(key);
      if (before) {
        const others = [...new Set([...before, ...group])].filter((n) => n + suffix !== key).map((n) => `"${n}${suffix}"`);
        throw inseqError("INVALID_OPTION", `Layer "${key}" of ${this.modelClass} runs more than once in this forward pass (it is shared); address one call by its own name: ${others.join(" or ")}.`);
      }
      this.seen.set(key, group);
    }
    const overriding = keys.filter((k) => this.override.has(k));
    if (overriding.length > 1) {
      throw inseqError("INVALID_OPTION", `${overriding.map((k) => `"${k}"`).join(" and ")} name the same module call of ${this.modelClass}; override it under one name.`);
    }
    let out = value;
    if (overriding.length === 1) {
      const replacement = this.override.get(overriding[0])!;
      if (!tf.util.arraysEqual(replacement.shape, value.shape) || replacement.dtype !== value.dtype) {
        throw inseqError(
          "INVALID_OPTION",
          `Override of "${overriding[0]}" is ${replacement.dtype} [${replacement.shape.join(", ")}] but the layer gives ${value.dtype} [${value.shape.join(", ")}] here; pass a tensor of the same shape and dtype.`,
        );
      }
      out = replacement as T;
    }
    for (const key of keys) if (this.capture.has(key)) this.captured[key] = tf.clone(out);
    return out;
  }

  /** Checks that every requested layer ran (`INVALID_OPTION` otherwise) and returns the captured tensors. */
  finish(): Record<string, tf.Tensor> {
    for (const key of [...this.capture, ...this.override.keys()]) {
      if (!this.seen.has(key)) {
        throw inseqError(
          "INVALID_OPTION",
          `Layer "${key}" of ${this.modelClass} did not run in this forward pass, so it cannot be captured or overridden. An embedding layer runs only when the forward gets ids (not embeds) for its side.`,
        );
      }
    }
    return this.captured;
  }
}
