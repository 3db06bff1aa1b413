import { FeatureAttributionOutput, ndarray, type NdArray } from "@inseqjs/core";
import { mulberry32 } from "@inseqjs/core/testing";

/** The same output with every finite aggregated score replaced by a seeded uniform random number: the chance reference. */
export function randomAttribution(output: FeatureAttributionOutput, seed: number): FeatureAttributionOutput {
  const uniform = mulberry32(seed);
  const shuffle = (a: NdArray | null) => a && ndarray(a.data.map((v) => (Number.isFinite(v) ? uniform() : v)), a.shape);
  return new FeatureAttributionOutput({
    sequenceAttributions: output.aggregate().sequenceAttributions.map((s) => ({
      source: s.source,
      target: s.target,
      sourceAttributions: shuffle(s.sourceAttributions),
      targetAttributions: shuffle(s.targetAttributions),
      stepScores: s.stepScores,
      sequenceScores: s.sequenceScores,
      attrPosStart: s.attrPosStart,
      attrPosEnd: s.attrPosEnd,
    })),
    info: { ...output.info, attributionMethod: "random" },
  });
}
