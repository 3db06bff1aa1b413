import { getMethod, inseqError } from "@inseqjs/core";
import type { AttributionMethod, RawMethodOptions } from "@inseqjs/core";

/** How the noisy samples' attributions are combined (Captum's `nt_type`). */
export type NoiseTunnelType = "smoothgrad" | "smoothgrad_sq" | "vargrad";

/** Resolved options of {@link NoiseTunnel}. */
export interface NoiseTunnelOptions {
  /** The wrapped method (a fresh instance) and its resolved options. */
  readonly base: AttributionMethod<unknown>;
  readonly baseOptions: unknown;
  /** Noisy samples per step (Captum's `nt_samples`). Default 5. */
  readonly nSamples: number;
  /** Standard deviation of the Gaussian noise added to the input embeddings. Default 1 (Captum's default). */
  readonly stdevs: number;
  /** Mean (`smoothgrad`), mean of squares (`smoothgrad_sq`) or variance (`vargrad`). Default `smoothgrad`. */
  readonly ntType: NoiseTunnelType;
  /** Seed of the noise: the same seed gives the same attributions. Default: random. */
  readonly seed: number;
}

const NT_TYPES: readonly NoiseTunnelType[] = ["smoothgrad", "smoothgrad_sq", "vargrad"];

/** Our option names with their accepted spellings; every other key is passed to the base method. */
const OWN: Readonly<Record<string, readonly string[]>> = {
  baseMethod: ["baseMethod", "base_method"],
  nSamples: ["nSamples", "n_samples", "ntSamples", "nt_samples"],
  stdevs: ["stdevs"],
  ntType: ["ntType", "nt_type"],
  seed: ["seed"],
};

function bad(name: string, expected: string, got: unknown): never {
  throw inseqError("INVALID_OPTION", `noise_tunnel: option "${name}" must be ${expected}, got ${JSON.stringify(got)}.`);
}

/** Splits raw options into ours (validated, with Captum's defaults) and the base method's, which it resolves. */
export function resolveNoiseTunnelOptions(raw: RawMethodOptions): NoiseTunnelOptions {
  const own: Record<string, unknown> = {};
  const passThrough: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw ?? {})) {
    const name = Object.keys(OWN).find((n) => OWN[n].includes(key));
    if (name === undefined) passThrough[key] = value;
    else if (value !== undefined && value !== null) own[name] = value;
  }
  const { baseMethod = "saliency", nSamples = 5, stdevs = 1, ntType = "smoothgrad", seed = Math.floor(Math.random() * 2 ** 31) } = own;
  if (typeof baseMethod !== "string" || baseMethod === "noise_tunnel") bad("baseMethod", "the id of another registered method", baseMethod);
  if (!Number.isInteger(nSamples) || (nSamples as number) < 1) bad("nSamples", "an integer ≥ 1", nSamples);
  if (typeof stdevs !== "number" || !Number.isFinite(stdevs) || stdevs < 0) bad("stdevs", "a finite number ≥ 0", stdevs);
  if (!NT_TYPES.includes(ntType as NoiseTunnelType)) bad("ntType", NT_TYPES.map((t) => `"${t}"`).join(", "), ntType);
  if (!Number.isInteger(seed) || (seed as number) < 0) bad("seed", "an integer ≥ 0", seed);
  const base = getMethod(baseMethod as string);
  if (base.attributesIds) {
    throw inseqError("INVALID_OPTION", `noise_tunnel adds noise to input embeddings, but "${baseMethod}" attributes a layer reached from token ids; pick a method such as saliency or integrated_gradients.`);
  }
  return { base, baseOptions: base.resolveOptions(passThrough), nSamples: nSamples as number, stdevs, ntType: ntType as NoiseTunnelType, seed: seed as number };
}
