import { inseqError } from "../errors.js";
import { aggregateSequenceAttribution } from "./aggregateSequenceAttribution.js";
import type { Aggregator } from "./aggregator.js";
import { rescaleAttributions } from "./rescaleAttributions.js";

/**
 * inseq's `SequenceAttributionAggregator` (id `scores`), the default: reduces the per-dimension axis of granular
 * attributions with `aggregateFn` (default `vnorm`), then L1-normalises every step column over source and target
 * rows (`normalize`, default true) or divides it by its largest absolute value (`rescale: true`). On aggregated
 * data only the normalisation applies, which leaves normalised data unchanged.
 */
export const scoresAggregator: Aggregator = {
  family: "scores",
  validate(_data, options) {
    if (options.normalize && options.rescale) throw inseqError("INVALID_OPTION", "Only one of normalize and rescale can be true; pick one.");
  },
  aggregate(data, options) {
    const rescale = options.rescale === true;
    const normalize = options.normalize ?? !rescale;
    const reduced = aggregateSequenceAttribution(data, { aggregateFn: options.aggregateFn, normalize });
    if (!rescale) return reduced;
    const [sourceAttributions, targetAttributions] = rescaleAttributions([reduced.sourceAttributions, reduced.targetAttributions]);
    return { ...reduced, sourceAttributions, targetAttributions };
  },
};
