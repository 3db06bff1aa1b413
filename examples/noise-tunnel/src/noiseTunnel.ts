import * as tf from "@tensorflow/tfjs-core";
import { attributedSides } from "@inseqjs/core";
import type { AttributedSide, AttributionMethod, AttributionModel, AttributionStepInputs, MethodHookContext, RawMethodOptions, StepAttribution, StepForwardInputs } from "@inseqjs/core";
import { resolveNoiseTunnelOptions } from "./noiseTunnelOptions.js";
import type { NoiseTunnelOptions, NoiseTunnelType } from "./noiseTunnelOptions.js";

type Noisy = { source?: tf.Tensor3D; target?: tf.Tensor3D };

/** The step with the attributed sides' input embeddings replaced by `noisy`, in its tensors and in its forward. */
function withInputs(step: AttributionStepInputs, noisy: Noisy): AttributionStepInputs {
  const replace = (side: AttributedSide | undefined, embeds?: tf.Tensor3D) => (side && embeds ? { ...side, embeds } : side);
  const tiled = (t: tf.Tensor3D, repeat: number) => (repeat === 1 ? t : tf.tile(t, [repeat, 1, 1]));
  return {
    ...step,
    source: replace(step.source, noisy.source),
    target: replace(step.target, noisy.target)!,
    forward(inputs: StepForwardInputs = {}) {
      const repeat = inputs.repeat ?? 1;
      const fill = (given?: tf.Tensor3D, ids?: tf.Tensor2D, own?: tf.Tensor3D) => given ?? (ids || !own ? undefined : tiled(own, repeat));
      return step.forward({
        ...inputs,
        sourceEmbeds: fill(inputs.sourceEmbeds, inputs.sourceIds, noisy.source),
        targetEmbeds: fill(inputs.targetEmbeds, inputs.targetIds, noisy.target),
      });
    },
  };
}

/** Combines `(nSamples, ...)` stacked attributions as Captum's NoiseTunnel does. */
function combine(stacked: tf.Tensor, ntType: NoiseTunnelType): tf.Tensor3D {
  const mean = tf.mean(stacked, 0);
  if (ntType === "smoothgrad") return mean as tf.Tensor3D;
  if (ntType === "smoothgrad_sq") return tf.mean(tf.square(stacked), 0) as tf.Tensor3D;
  // E[(a − E[a])²] rather than E[a²] − E[a]²: equal in exact arithmetic, never negative in float32
  return tf.mean(tf.square(tf.sub(stacked, mean)), 0) as tf.Tensor3D;
}

/**
 * NoiseTunnel (Smilkov et al. 2017; Adebayo et al. 2018) over any registered method that attributes input
 * embeddings, as Captum's `NoiseTunnel`: the base method runs `nSamples` times on inputs plus Gaussian noise
 * (`stdevs`), and the attributions are averaged (SmoothGrad), averaged squared (SmoothGrad²) or their variance taken
 * (VarGrad). Deltas, when the base method returns them, are those of every noisy sample, `(batch, nSamples · k)`.
 * Registered as `noise_tunnel`.
 */
export class NoiseTunnel implements AttributionMethod<NoiseTunnelOptions> {
  readonly methodName = "noise_tunnel";
  readonly usesBaselines = true;
  readonly attributesIds = false;
  /** Noise draws so far in this run: each step and sample gets its own seed, reproducibly. */
  private draws = 0;
  /** The base method of the current run, for {@link NoiseTunnel.unhook}. */
  private hooked?: AttributionMethod<unknown>;

  resolveOptions(raw: RawMethodOptions): NoiseTunnelOptions {
    return resolveNoiseTunnelOptions(raw);
  }

  async hook(model: AttributionModel, options: NoiseTunnelOptions, context: MethodHookContext): Promise<void> {
    this.draws = 0;
    this.hooked = options.base;
    await options.base.hook?.(model, options.baseOptions, context);
  }

  unhook(): void {
    this.hooked?.unhook?.();
    this.hooked = undefined;
  }

  attributeStep(step: AttributionStepInputs, options: NoiseTunnelOptions): StepAttribution {
    const sides = attributedSides(step);
    const samples: StepAttribution[] = [];
    try {
      for (let i = 0; i < options.nSamples; i++) {
        const seed = options.seed + this.draws++ * 9973;
        const noisy: Noisy = {};
        sides.forEach((side, s) => {
          const x = side === "source" ? step.source!.embeds : step.target.embeds;
          noisy[side] = tf.tidy(() => tf.add(x, tf.randomNormal(x.shape, 0, options.stdevs, "float32", seed + s)) as tf.Tensor3D);
        });
        try {
          samples.push(options.base.attributeStep(withInputs(step, noisy), options.baseOptions));
        } finally {
          tf.dispose(Object.values(noisy));
        }
      }
      return tf.tidy(() => {
        const side = (pick: (r: StepAttribution) => tf.Tensor3D | undefined) =>
          samples[0] && pick(samples[0]) ? combine(tf.stack(samples.map((r) => pick(r)!)), options.ntType) : undefined;
        const deltas = samples[0]?.deltas ? tf.concat(samples.map((r) => tf.reshape(r.deltas!, [step.batchSize, -1])), 1) : undefined;
        return { source: side((r) => r.source), target: side((r) => r.target), deltas };
      });
    } finally {
      for (const r of samples) tf.dispose([r.source, r.target, r.deltas].filter((t): t is tf.Tensor => t !== undefined));
    }
  }
}
