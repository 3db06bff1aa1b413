import * as tf from "@tensorflow/tfjs-core";
import { attributedSides, attributionRowSums, baselinesOf, inputsOf, mapSides, pathPoints, scoresAlongPath, sumOverPath } from "@inseqjs/core";
import type { AttributionMethod, AttributionStepInputs, RawMethodOptions, StepAttribution } from "@inseqjs/core";
import { NumpyRandomState } from "./numpyRandomState.js";
import { optionReader } from "@inseqjs/core";
import { gradientShapCoefficients, readGradientShapOptions } from "./gradientShapOptions.js";
import type { GradientShapOptions } from "./gradientShapOptions.js";

/**
 * GradientSHAP as Captum computes it (NoiseTunnel over InputBaselineXGradient): per row, `nSamples` inputs
 * `x̃ = x + N(0, stdevs²)` and coefficients α ~ U(0, 1) drawn from numpy's RandomState(seed), continuing across the
 * steps of a run; attribution = mean over samples of `(x̃ − b) · ∇f(b + α(x̃ − b))`; deltas per sample.
 * inseq id `gradient_shap`.
 */
export class GradientShap implements AttributionMethod<GradientShapOptions> {
  readonly methodName = "gradient_shap";
  readonly usesBaselines = true;
  readonly attributesIds = false;
  private rng: NumpyRandomState | undefined;
  private noiseRng: NumpyRandomState | undefined;
  private stepIndex = 0;

  resolveOptions(raw: RawMethodOptions): GradientShapOptions {
    return readGradientShapOptions(optionReader(this.methodName, raw, ["nSamples", "stdevs", "seed", "alphas", "multiplyByInputs", "internalBatchSize", "returnConvergenceDelta"]));
  }

  /** Seeds the generators once per run, as inseq's fixtures seed numpy before the first step. */
  hook(_model: unknown, options: GradientShapOptions): void {
    const seed = options.seed ?? Math.floor(Math.random() * 0x100000000);
    this.rng = new NumpyRandomState(seed);
    this.noiseRng = new NumpyRandomState((seed ^ 0x5bd1e995) >>> 0); // Captum's noise comes from torch, not numpy
    this.stepIndex = 0;
  }

  unhook(): void {
    this.rng = this.noiseRng = undefined;
  }

  attributeStep(step: AttributionStepInputs, options: GradientShapOptions): StepAttribution {
    if (!this.rng || !this.noiseRng) this.hook(undefined, options);
    const { nSamples: S, stdevs } = options;
    const B = step.batchSize;
    const sides = attributedSides(step);
    const baselines = baselinesOf(step, sides);
    // Captum's rows are sample-minor (x.repeat_interleave(S)); ours are copy-major: copy k, row b ← draw b·S + k.
    const drawn = gradientShapCoefficients(options, this.rng!, this.stepIndex++, B);
    const coefficients = tf.tensor1d(Array.from({ length: S * B }, (_, i) => drawn[(i % B) * S + Math.floor(i / B)]));
    const inputs = inputsOf(step, sides);
    // Noise is drawn once on the host (same draw order as one full batch); device copies exist per chunk only, so
    // peak memory is bounded by internalBatchSize, not nSamples.
    const noise = stdevs > 0 ? Object.fromEntries(sides.map((s) => [s, drawNoise(inputs[s].size * S, stdevs, this.noiseRng!)])) : undefined;
    const noisyRows = (s: string, start: number, end: number): tf.Tensor3D => {
      const copies = tf.tile(inputs[s], [end - start, 1, 1]);
      if (!noise) return copies;
      const per = inputs[s].size;
      return tf.add(copies, tf.tensor3d(noise[s].subarray(start * per, end * per), copies.shape as [number, number, number]));
    };
    const sums = sumOverPath(step, {
      nPoints: S,
      internalBatchSize: options.internalBatchSize,
      pointsAt: (start, end) => mapSides(sides, (s) => pathPoints(noisyRows(s, start, end), baselines[s], tf.slice(coefficients, start * B, (end - start) * B))),
      reduce: (grads, start, end) => {
        const perSample = mapSides(sides, (s) => {
          const diff = tf.sub(noisyRows(s, start, end), tf.tile(baselines[s], [end - start, 1, 1]));
          return (options.multiplyByInputs ? tf.mul(diff, grads[s]) : grads[s]) as tf.Tensor3D;
        });
        const byCopy = (t: tf.Tensor3D) => tf.sum(tf.reshape(t, [end - start, B, t.shape[1], t.shape[2]]), 0);
        // Per-sample totals, placed in their columns of a (B, S) matrix so that chunks add up.
        const totals = tf.reshape(attributionRowSums(perSample), [end - start, B]);
        return { ...mapSides(sides, (s) => byCopy(perSample[s]) as tf.Tensor3D), sampleSums: tf.pad(tf.transpose(totals), [[0, 0], [start, S - end]]) };
      },
    });
    const result = tf.tidy(() => {
      const attributions = mapSides(sides, (s) => tf.div(sums[s], S) as tf.Tensor3D);
      let deltas: tf.Tensor | undefined;
      if (options.returnConvergenceDelta) {
        const nEnds = stdevs > 0 ? S : 1;
        const points = (k: number) => (k < nEnds ? mapSides(sides, (s) => noisyRows(s, k, k + 1)) : baselines);
        const scores = scoresAlongPath(step, {
          nPoints: nEnds + 1,
          internalBatchSize: options.internalBatchSize,
          pointsAt: (start, end) => mapSides(sides, (s) => tf.concat(Array.from({ length: end - start }, (_, i) => points(start + i)[s])) as tf.Tensor3D),
        });
        const fEnd = tf.transpose(tf.reshape(tf.slice(scores, 0, nEnds * B), [nEnds, B])); // (B, nEnds)
        const fStart = tf.reshape(tf.slice(scores, nEnds * B, B), [B, 1]);
        deltas = tf.sub(sums.sampleSums, tf.sub(fEnd, fStart));
      }
      return { source: attributions.source, target: attributions.target, deltas };
    });
    tf.dispose([coefficients, ...Object.values(sums)]);
    return result;
  }
}

/** `n` draws of N(0, stdevs²), in the order one full batch of copy-major noisy copies would use them. */
function drawNoise(n: number, stdevs: number, rng: NumpyRandomState): Float32Array {
  return Float32Array.from({ length: n }, () => stdevs * rng.standardNormal());
}
