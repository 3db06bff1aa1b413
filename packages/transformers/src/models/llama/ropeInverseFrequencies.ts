import type { RopeSettings } from "./ropeSettings.js";

/**
 * The `dim / 2` rotary inverse frequencies of Hugging Face's rope init functions, in float64:
 * `1 / θ^(2i/dim)`, then — linear: divided by `factor`; dynamic (NTK): θ grown to
 * `θ · (factor · seqLen / maxPositions − (factor − 1))^(dim / (dim − 2))` once `seqLen` exceeds
 * `max_position_embeddings`; llama3: long wavelengths divided by `factor`, medium ones smoothly interpolated.
 * @param seqLen longest position + 1 in the forward (dynamic scaling only)
 */
export function ropeInverseFrequencies(rope: RopeSettings, seqLen: number): number[] {
  const { dim, scaling } = rope;
  let base = rope.theta;
  if (scaling?.type === "dynamic") {
    const max = scaling.maxPositionEmbeddings;
    const length = Math.max(seqLen, max);
    base *= ((scaling.factor * length) / max - (scaling.factor - 1)) ** (dim / (dim - 2));
  }
  const inv = Array.from({ length: dim / 2 }, (_, i) => 1 / base ** ((2 * i) / dim));
  if (scaling?.type === "linear") return inv.map((f) => f / scaling.factor);
  if (scaling?.type !== "llama3") return inv;
  const { factor, lowFreqFactor, highFreqFactor, originalMaxPositions } = scaling;
  const lowFreqWavelen = originalMaxPositions / lowFreqFactor;
  const highFreqWavelen = originalMaxPositions / highFreqFactor;
  return inv.map((f) => {
    const wavelen = (2 * Math.PI) / f;
    if (wavelen < highFreqWavelen) return f;
    if (wavelen > lowFreqWavelen) return f / factor;
    const smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
    return ((1 - smooth) * f) / factor + smooth * f;
  });
}
