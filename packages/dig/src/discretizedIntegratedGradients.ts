import * as tf from "@tensorflow/tfjs-core";
import { inseqError } from "@inseqjs/core";
import type { AttributionMethod, AttributionModel, AttributionStepInputs, InputSide, MethodHookContext, RawMethodOptions, StepAttribution, StepForwardInputs } from "@inseqjs/core";
import { resolveDigOptions, type DiscretizedIntegratedGradientsOptions } from "./digOptions.js";
import { modelPathBuilder, modelPathBuilderSync } from "./pathBuilder/modelPathBuilder.js";
import type { MonotonicPathBuilder } from "./pathBuilder/monotonicPathBuilder.js";
import { defaultNeighbourStore } from "./pathBuilder/neighbourStore.js";
import { pathPoints, type PathStream } from "./pathPoints.js";

/**
 * Discretized Integrated Gradients (Sanyal & Ren 2021), exactly as inseq computes it: every token moves from its
 * baseline to its input embedding along a monotonic path through anchor words of the vocabulary, and the
 * attribution is the Riemann sum `Σ_{i<n−1} ∇f(p_i) ⊙ (p_{i+1} − p_i)` over the path points `p_0` (baseline) …
 * `p_{n−1}` (input). Each row uses its own paths, so batched and single attributions agree (inseq bug #113).
 *
 * Deltas follow inseq's convention, with the endpoints swapped with respect to the usual completeness gap:
 * `delta = Σ attributions − (f(path baseline) − f(path input))`.
 */
export class DiscretizedIntegratedGradients implements AttributionMethod<DiscretizedIntegratedGradientsOptions> {
  readonly methodName = "discretized_integrated_gradients";
  readonly usesBaselines = true;
  readonly attributesIds = false;
  private readonly builders = new Map<string, MonotonicPathBuilder>();
  private readonly paths = new Map<string, Float32Array>();

  resolveOptions(raw: RawMethodOptions): DiscretizedIntegratedGradientsOptions {
    return resolveDigOptions(raw);
  }

  /** Builds the paths of every token of the run before the first step (neighbours in batched rounds, cached). */
  async hook(model: AttributionModel, options: DiscretizedIntegratedGradientsOptions, context: MethodHookContext): Promise<void> {
    const store = options.cache ? await defaultNeighbourStore(options.cacheDir) : undefined;
    const sides: { side: InputSide; ids: readonly (readonly number[])[]; baselines: readonly (readonly number[])[]; dropLast: boolean }[] = [];
    if (model.isEncoderDecoder) sides.push({ side: "source", ids: context.sourceIds ?? [], baselines: context.sourceBaselineIds ?? [], dropLast: false });
    // the last target token is never in an attributed prefix
    if (context.attributeTarget) sides.push({ side: "target", ids: context.targetIds, baselines: context.targetBaselineIds, dropLast: true });
    for (const { side, ids, baselines, dropLast } of sides) {
      const pairs = ids.flatMap((row, s) => row.slice(0, dropLast ? row.length - 1 : row.length).map((w, i): [number, number] => [w, baselines[s][i]]));
      const builder = await modelPathBuilder(model, side, { nNeighbors: options.nNeighbors });
      this.builders.set(`${side}|${options.nNeighbors}`, builder);
      await builder.prepare(pairs, { nSteps: options.nSteps, strategy: options.strategy, store });
    }
  }

  unhook(): void {
    this.paths.clear();
    this.builders.clear();
  }

  attributeStep(step: AttributionStepInputs, options: DiscretizedIntegratedGradientsOptions): StepAttribution {
    const B = step.batchSize;
    const n = options.nSteps;
    const streams: PathStream[] = [];
    if (step.attributeSource && step.source) streams.push(this.stream(step, "source", options));
    if (step.attributeTarget) streams.push(this.stream(step, "target", options));
    if (streams.length === 0) return {};
    const forwardInputs = (repeat: number, xs: readonly tf.Tensor[]): StepForwardInputs => {
      const inputs: { repeat: number; sourceEmbeds?: tf.Tensor3D; targetEmbeds?: tf.Tensor3D } = { repeat };
      streams.forEach((s, i) => (inputs[s.side === "source" ? "sourceEmbeds" : "targetEmbeds"] = xs[i] as tf.Tensor3D));
      return inputs;
    };
    const perPass = Math.max(1, Math.floor((options.internalBatchSize ?? (n - 1) * B) / B));
    const result = tf.tidy(() => {
      let totals = streams.map((s) => tf.zeros([B, s.length, s.hidden]) as tf.Tensor3D);
      // gradients at p_0 … p_{n−2}; the input point only closes the last step
      for (let from = 0; from < n - 1; from += perPass) {
        const m = Math.min(perPass, n - 1 - from);
        const next = tf.tidy(() => {
          const points = streams.map((s) => pathPoints(s, from, m + 1));
          const at = points.map((p) => tf.slice(p, [0, 0, 0], [m * B, -1, -1]));
          const moves = points.map((p, i) => tf.sub(tf.slice(p, [B, 0, 0], [m * B, -1, -1]), at[i]));
          const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(step.forward(forwardInputs(m, xs)).scores))(at);
          return totals.map((t, i) => tf.add(t, tf.sum(tf.reshape(tf.mul(grads[i], moves[i]), [m, B, streams[i].length, streams[i].hidden]), 0)) as tf.Tensor3D);
        });
        tf.dispose(totals);
        totals = next;
      }
      const baseline = streams.map((s) => pathPoints(s, 0, 1));
      const input = streams.map((s) => pathPoints(s, n - 1, 1));
      const attributions = options.multiplyByInputs ? totals.map((t, i) => tf.mul(t, tf.sub(input[i], baseline[i])) as tf.Tensor3D) : totals;
      const scores = step.forward(forwardInputs(2, streams.map((_, i) => tf.concat([baseline[i], input[i]], 0)))).scores;
      const total = attributions.map((a) => tf.sum(a, [1, 2])).reduce((a, b) => tf.add(a, b));
      const deltas = tf.sub(total, tf.sub(tf.slice(scores, 0, B), tf.slice(scores, B, B)));
      const out: Record<string, tf.Tensor> = { deltas };
      streams.forEach((s, i) => (out[s.side] = attributions[i]));
      return out;
    });
    return result as StepAttribution;
  }

  /** The step's tokens of `side` with their paths (built now for pairs the hook did not see). */
  private stream(step: AttributionStepInputs, side: InputSide, options: DiscretizedIntegratedGradientsOptions): PathStream {
    const attributed = side === "source" ? step.source! : step.target;
    const [batch, length] = attributed.ids.shape;
    const hidden = attributed.embeds.shape[2];
    const key = `${side}|${options.nNeighbors}`;
    let builder = this.builders.get(key);
    if (!builder) this.builders.set(key, (builder = modelPathBuilderSync(step.model, side, { nNeighbors: options.nNeighbors })));
    if (builder.space.hiddenSize !== hidden) {
      throw inseqError("BATCH_MISMATCH", `DIG: the ${side} embeddings have ${hidden} dimensions but the model's vocabulary embeddings have ${builder.space.hiddenSize}; the model's vocabularyEmbeddings(${side}) must match embed().`);
    }
    const ids = attributed.ids.dataSync();
    const baselines = attributed.baselineIds.dataSync();
    const params = { nSteps: options.nSteps, strategy: options.strategy };
    const paths = Array.from(ids, (w, i) => {
      const pathKey = `${key}|${params.nSteps}|${params.strategy}|${w}|${baselines[i]}`;
      let path = this.paths.get(pathKey);
      if (!path) this.paths.set(pathKey, (path = builder.embeddingPath(w, baselines[i], params)));
      return path;
    });
    return { side, batch, length, hidden, paths };
  }
}
