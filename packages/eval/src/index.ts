/**
 * @packageDocumentation
 * Faithfulness metrics for inseq.js attributions: log-odds, comprehensiveness, sufficiency and their AOPC,
 * deletion / insertion curves and AUC (re-running the model with tokens replaced by the baseline), and the alignment
 * error rate of argmax attributions against gold word alignments.
 */
export * from "./evaluateFaithfulness.js";
export * from "./stepFaithfulness.js";
export * from "./summarizeFaithfulness.js";
export * from "./stepFeatures.js";
export * from "./replaceFeatures.js";
export * from "./targetProbabilities.js";
export * from "./areaUnderCurve.js";
export * from "./topCount.js";
export * from "./alignmentErrorRate.js";
export * from "./argmaxAlignment.js";
