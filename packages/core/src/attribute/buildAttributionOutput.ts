import { ndarray } from "../ndarray.js";
import type { AttributionModel } from "../model.js";
import { FeatureAttributionOutput } from "../output/featureAttributionOutput.js";
import type { SequenceAttributionData, TokenWithId } from "../output/types.js";
import type { AttributeOptions, RawAttribution } from "./attribute.js";

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const snakeKeys = (o: Readonly<Record<string, unknown>>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [snake(k), v]));

function tokens(model: AttributionModel, ids: readonly number[]): TokenWithId[] {
  const strings = model.tokenizer.convertIdsToTokens(ids);
  return ids.map((id, i) => ({ id, token: strings[i] }));
}

/**
 * Wraps the step loop's raw results in inseq's output classes: decoder-only `source` = the prompt tokens,
 * encoder-decoder `target` = `[decoderStart] + generation`; run information as inseq records it.
 */
export function buildAttributionOutput(model: AttributionModel, raw: RawAttribution, options: AttributeOptions): FeatureAttributionOutput {
  const sequenceAttributions: SequenceAttributionData[] = raw.sequences.map((seq, i) => {
    const res = raw.results[i];
    const target = tokens(model, seq.targetIds);
    return {
      source: model.isEncoderDecoder ? tokens(model, seq.sourceIds!) : target.slice(0, seq.promptLength),
      target,
      sourceAttributions: res.source ? ndarray(res.source.data, res.source.shape) : null,
      targetAttributions: res.target ? ndarray(res.target.data, res.target.shape) : null,
      stepScores: Object.fromEntries(Object.entries(res.stepScores).map(([name, s]) => [name, ndarray(s.data, s.shape)])),
      sequenceScores: {},
      attrPosStart: seq.attrPosStart,
      attrPosEnd: seq.attrPosEnd,
    };
  });
  return new FeatureAttributionOutput({
    sequenceAttributions,
    stepAttributions: null,
    info: {
      modelName: model.modelName,
      modelClass: model.modelClass,
      tokenizerName: null,
      tokenizerClass: model.tokenizer.className ?? "Tokenizer",
      attributionMethod: raw.methodName,
      attributedFn: `${options.attributedFn ?? "probability"}_fn`,
      attributedFnArgs: snakeKeys(raw.attributedFnArgs ?? options.attributedFnArgs ?? {}),
      attributionArgs: snakeKeys(raw.methodOptions),
      stepScores: raw.stepScores,
      stepScoresArgs: snakeKeys(raw.stepScoresArgs ?? options.stepScoresArgs ?? {}),
      inputTexts: raw.sequences.map((s) => s.inputText),
      generatedTexts: raw.sequences.map((s) => s.generatedText),
      generationArgs: snakeKeys({ ...(options.generationArgs ?? {}) }),
      attrPosStart: raw.sequences[0].attrPosStart,
      attrPosEnd: raw.sequences[0].attrPosEnd,
      attributeTarget: !!options.attributeTarget,
      includeEosBaseline: !!options.includeEosBaseline,
      constrainedDecoding: options.generatedTexts !== undefined,
      generateFromTargetPrefix: false,
      outputStepAttributions: false,
      execTime: raw.execTime,
    },
  });
}
