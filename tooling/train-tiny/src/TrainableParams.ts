import * as tf from "@tensorflow/tfjs-core";
import { encodeSafetensors, type SafetensorsInput } from "@inseqjs/core";
import { normalSamples } from "@inseqjs/core/testing";

/** How a parameter is stored in the Hugging Face file: as trained, or transposed (`nn.Linear` keeps `(out, in)`). */
export type StoredLayout = "asIs" | "transposed" | { readonly reshape: readonly number[] };

/** Trainable variables named by their Hugging Face parameter paths, seeded, and written as safetensors. */
export class TrainableParams {
  private readonly vars = new Map<string, { variable: tf.Variable; layout: StoredLayout }>();

  constructor(private readonly uniform: () => number) {}

  /** A `N(0, std²)` variable (`std` 0: zeros; `fill`: constant). */
  normal<R extends tf.Rank>(name: string, shape: number[], std: number, layout: StoredLayout = "asIs"): tf.Variable<R> {
    const size = shape.reduce((a, b) => a * b, 1);
    return this.add(name, tf.tensor(normalSamples(this.uniform, size, std), shape), layout) as tf.Variable<R>;
  }

  /** A variable initialised from `data` (row-major). */
  data<R extends tf.Rank>(name: string, shape: number[], data: Float32Array, layout: StoredLayout = "asIs"): tf.Variable<R> {
    return this.add(name, tf.tensor(data, shape), layout) as tf.Variable<R>;
  }

  /** A constant-filled variable (layer-norm gains 1, biases 0). */
  fill<R extends tf.Rank>(name: string, shape: number[], value: number, layout: StoredLayout = "asIs"): tf.Variable<R> {
    return this.add(name, tf.fill(shape, value), layout) as tf.Variable<R>;
  }

  private add(name: string, init: tf.Tensor, layout: StoredLayout): tf.Variable {
    if (this.vars.has(name)) throw new Error(`parameter ${name} defined twice`);
    const variable = tf.variable(init, true, name.replace(/[^A-Za-z0-9_]/g, "_"));
    init.dispose();
    this.vars.set(name, { variable, layout });
    return variable;
  }

  /** The variable named `name`. */
  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`no parameter named ${name}`);
    return v.variable;
  }

  /** Every variable, for the optimizer. */
  list(): tf.Variable[] {
    return [...this.vars.values()].map((v) => v.variable);
  }

  /** Number of scalars. */
  count(): number {
    return this.list().reduce((n, v) => n + v.size, 0);
  }

  /** The parameters as a safetensors file (names sorted, as `safetensors.torch.save_file` writes them). */
  toSafetensors(): Uint8Array {
    const tensors: Record<string, SafetensorsInput> = {};
    for (const name of [...this.vars.keys()].sort()) {
      const { variable, layout } = this.vars.get(name)!;
      const stored = tf.tidy(() => (layout === "transposed" ? tf.transpose(variable) : typeof layout === "object" ? tf.reshape(variable, [...layout.reshape]) : tf.clone(variable)));
      tensors[name] = { dtype: "F32", shape: stored.shape, data: stored.dataSync() as Float32Array };
      stored.dispose();
    }
    return encodeSafetensors(tensors, { format: "pt" });
  }

  dispose(): void {
    for (const { variable } of this.vars.values()) variable.dispose();
    this.vars.clear();
  }
}
