import type { FeatureAttributionOutput, InseqModel } from "inseqjs";
import { alignmentErrorRate, argmaxAlignment, evaluateFaithfulness, type FaithfulnessSummary } from "@inseqjs/eval";
import type { KvHeldOut, TranslationHeldOut } from "./heldOut.js";
import { kvHits } from "./kvHits.js";

/** One method's row of the report. */
export interface MethodRow {
  readonly method: string;
  /** Key-value recall: hit rates of the answer's top-attributed prompt tokens. */
  readonly top1?: number;
  readonly top2?: number;
  readonly value1?: number;
  readonly value2?: number;
  /** Translation: alignment error rate of argmax source attributions. */
  readonly aer?: number;
  readonly faithfulness: FaithfulnessSummary;
  /** Seconds spent attributing. */
  readonly seconds: number;
}

/**
 * Options that differ from the method defaults: DIG searches 50 neighbours by default, more than the tiny
 * vocabularies hold, so it gets every other word of the vocabulary (`vocab − 1`, capped at 50); gradient SHAP is
 * seeded so that the report is reproducible.
 */
export function methodOptions(method: string, model: InseqModel): Record<string, unknown> {
  if (method === "discretized_integrated_gradients") return { nNeighbors: Math.min(50, model.model.vocabSize - 1) };
  if (method === "gradient_shap") return { seed: 42 };
  return {};
}

/** Computes one method's row on a task's examples (attributing them, or scoring `given`). */
export type RowFunction<E> = (model: InseqModel, method: string, examples: readonly E[], given?: FeatureAttributionOutput) => Promise<{ row: MethodRow; output: FeatureAttributionOutput }>;

/** Attributes the gold answers of the recall prompts with `method` (or scores a given output) and computes the row. */
export const kvRow: RowFunction<KvHeldOut> = async (model, method, examples, given) => {
  const t0 = Date.now();
  const output = given ?? (await model.attribute(examples.map((e) => e.prompt), { method, generatedTexts: examples.map((e) => `${e.prompt} ${e.answer}`), batchSize: 25, methodOptions: methodOptions(method, model) }));
  const seconds = (Date.now() - t0) / 1000;
  const special = model.model.tokenizer.specialIds;
  const hits = output.sequenceAttributions.map((s, i) => kvHits(s, examples[i], special));
  const rate = (get: (h: (typeof hits)[number]) => boolean) => hits.filter(get).length / hits.length;
  return {
    row: {
      method,
      top1: rate((h) => h.top1),
      top2: rate((h) => h.top2),
      value1: rate((h) => h.value1),
      value2: rate((h) => h.value2),
      faithfulness: evaluateFaithfulness(model.model, output).summary,
      seconds,
    },
    output,
  };
};

/** Attributes the reference translations (forced decoding) with `method` (or scores a given output) and computes the row. */
export const translationRow: RowFunction<TranslationHeldOut> = async (model, method, examples, given) => {
  const t0 = Date.now();
  const output = given ?? (await model.attribute(examples.map((e) => e.source), { method, generatedTexts: examples.map((e) => e.target), batchSize: 25, methodOptions: methodOptions(method, model) }));
  const seconds = (Date.now() - t0) / 1000;
  const special = model.model.tokenizer.specialIds;
  const aer = alignmentErrorRate(output.sequenceAttributions.map((s, i) => ({ predicted: argmaxAlignment(s, { ignoreIds: special }), sure: examples[i].alignment })));
  return { row: { method, aer, faithfulness: evaluateFaithfulness(model.model, output).summary, seconds }, output };
};
