import { asOutOfMemoryError, inseqError } from "../errors.js";
import type { AttributionMethod, RawMethodOptions } from "../method.js";
import { getMethod } from "../methodRegistry.js";
import type { AttributionModel } from "../model.js";
import { getStepFunction } from "../stepFunctions/stepFunctionRegistry.js";
import { checkAttributeOptions } from "./checkAttributeOptions.js";
import { readContrastSpec, type ContrastOptions } from "./contrastSpec.js";
import type { GreedyGenerateOptions } from "./generate.js";
import { prepareContrast } from "./prepareContrast.js";
import { checkAttributionMemory } from "./memoryPreflight.js";
import { prepareSequences } from "./prepareSequences.js";
import { releaseAbandonedTape } from "./releaseAbandonedTape.js";
import { runStackedStepLoop } from "./stepBatching.js";
import { throwIfAborted } from "./throwIfAborted.js";
import type { AttributionProgress, RawSequenceResult } from "./stepLoop.js";
import type { PreparedSequence } from "./prepareSequences.js";

/**
 * Options of {@link attribute}; keys it does not know are passed to the method (`nSteps`, `internalBatchSize`...).
 * The contrast options (`contrastTargets`, `contrastSources`, `contrastTargetsAlignments`, `contrastForceInputs`)
 * apply to the attributed function and to the step scores; the same keys in `attributedFnArgs` / `stepScoresArgs`
 * take precedence there.
 */
export interface AttributeOptions extends ContrastOptions {
  /** Method id (`integrated_gradients`) or instance. */
  readonly method: string | AttributionMethod<any>;
  /** Texts to explain (decoder-only: prompt included). Generated greedily when omitted. */
  readonly generatedTexts?: string | readonly string[];
  /** Step functions whose values are stored per step (`["probability"]`). */
  readonly stepScores?: readonly string[];
  /** Step function attributed (default `probability`). */
  readonly attributedFn?: string;
  readonly attributedFnArgs?: Readonly<Record<string, unknown>>;
  readonly stepScoresArgs?: Readonly<Record<string, unknown>>;
  /** First target position explained (default: after the prompt; encoder-decoder: after the decoder prefix, i.e. 1, or 2 with a forced target-language token). Negative counts from the end. */
  readonly attrPosStart?: number;
  /** One past the last target position explained (default: the end). */
  readonly attrPosEnd?: number;
  /** Encoder-decoder: also attribute the decoder prefix. */
  readonly attributeTarget?: boolean;
  /** Replace EOS by the baseline token too. */
  readonly includeEosBaseline?: boolean;
  /** Sequences per batch (default: all at once). */
  readonly batchSize?: number;
  /**
   * Generation steps of one sequence attributed together, as rows of one forward/backward (left-padded prefixes;
   * decoder-only models without contrastive inputs). Same numbers as one step at a time; fewer, larger passes —
   * faster when a step's pass is small (saliency, gradient × input), while path methods already fill their passes
   * with `internalBatchSize` rows. Default 1.
   */
  readonly stepBatchSize?: number;
  /** Greedy generation when `generatedTexts` is omitted. */
  readonly generationArgs?: GreedyGenerateOptions;
  /** Method options, merged with the unknown top-level keys. */
  readonly methodOptions?: RawMethodOptions;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: AttributionProgress) => void;
  readonly [methodOption: string]: unknown;
}

/** Top-level contrast options, shared by the attributed function and the step scores. */
const CONTRAST_KEYS = ["contrastTargets", "contrastSources", "contrastTargetsAlignments", "contrastForceInputs", "skipSpecialTokens"] as const;

const OWN_KEYS = new Set([
  "method", "generatedTexts", "stepScores", "attributedFn", "attributedFnArgs", "stepScoresArgs", "attrPosStart", "attrPosEnd",
  "attributeTarget", "includeEosBaseline", "batchSize", "stepBatchSize", "generationArgs", "methodOptions", "signal", "onProgress",
  ...CONTRAST_KEYS,
]);

/** Everything the step loop produced, before it is wrapped in output classes. */
export interface RawAttribution {
  readonly sequences: readonly PreparedSequence[];
  readonly results: readonly RawSequenceResult[];
  readonly methodName: string;
  readonly methodOptions: RawMethodOptions;
  readonly stepScores: readonly string[];
  readonly execTime: number;
  /** Arguments the attributed function and the step scores received (top-level contrast options merged in). */
  readonly attributedFnArgs?: Readonly<Record<string, unknown>>;
  readonly stepScoresArgs?: Readonly<Record<string, unknown>>;
}

/**
 * Attributes the generation of `inputTexts` with one method: tokenizes (or generates), runs the step loop in
 * batches and returns the raw per-dimension results. The umbrella package wraps them in output classes.
 */
export async function attributeRaw(model: AttributionModel, inputTexts: string | readonly string[], options: AttributeOptions): Promise<RawAttribution> {
  const t0 = Date.now();
  checkAttributeOptions(inputTexts, options);
  throwIfAborted(options.signal);
  const texts = typeof inputTexts === "string" ? [inputTexts] : [...inputTexts];
  if (texts.length === 0) throw inseqError("EMPTY_INPUT", "No input text given; pass a string or a non-empty array of strings.");
  const generatedTexts = options.generatedTexts === undefined ? undefined : typeof options.generatedTexts === "string" ? [options.generatedTexts] : [...options.generatedTexts];
  const method = typeof options.method === "string" ? getMethod(options.method) : options.method;
  const rawMethodOptions: Record<string, unknown> = { ...(options.methodOptions ?? {}) };
  for (const [k, v] of Object.entries(options)) if (!OWN_KEYS.has(k) && v !== undefined) rawMethodOptions[k] = v;
  const methodOptions = method.resolveOptions(rawMethodOptions);
  const attributedFn = getStepFunction(options.attributedFn ?? "probability");
  const stepScoreNames = [...(options.stepScores ?? [])];
  const shared = Object.fromEntries(CONTRAST_KEYS.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]));
  const attributedFnArgs = { ...shared, ...(options.attributedFnArgs ?? {}) };
  const stepScoresArgs = { ...shared, ...(options.stepScoresArgs ?? {}) };
  const stepScores = stepScoreNames.map((name) => ({ name, fn: getStepFunction(name), args: stepScoresArgs }));
  const attributedFnContrast = readContrastSpec(attributedFnArgs, texts.length, "attributedFnArgs");
  const stepScoresContrast = stepScoreNames.length ? readContrastSpec(stepScoresArgs, texts.length, "stepScoresArgs") : undefined;

  try {
    return await runAttribution();
  } catch (e) {
    // a wasm abort or an out-of-memory error becomes OUT_OF_MEMORY (the model records whether it is still usable);
    // what an interrupted tf.grads kept is freed so that a recoverable failure leaves no leak behind
    const reported = model.describeFailure ? model.describeFailure(e) : asOutOfMemoryError(e, `${model.modelClass} "${model.modelName}"`);
    releaseAbandonedTape();
    throw reported;
  }

  async function runAttribution(): Promise<RawAttribution> {
    const prepared = await prepareSequences(model, texts, {
      generatedTexts,
      attrPosStart: options.attrPosStart,
      attrPosEnd: options.attrPosEnd,
      includeEosBaseline: options.includeEosBaseline,
      generation: options.generationArgs,
      signal: options.signal,
    });
    const fnContrasts = attributedFnContrast && prepareContrast(model, prepared, attributedFnContrast);
    const scoreContrasts = stepScoresContrast && prepareContrast(model, prepared, stepScoresContrast);
    const sequences = fnContrasts || scoreContrasts
      ? prepared.map((seq, i) => ({ ...seq, contrast: { attributedFn: fnContrasts?.[i], stepScores: scoreContrasts?.[i] } }))
      : prepared;
    const batchSize = options.batchSize ?? sequences.length;
    const batches: PreparedSequence[][] = [];
    for (let i = 0; i < sequences.length; i += batchSize) batches.push(sequences.slice(i, i + batchSize));
    // before anything runs: the largest forward/backward of the run must fit in what the backend can still hold
    checkAttributionMemory(model, method, methodOptions, batches, options.stepBatchSize ?? 1);
    await method.hook?.(model, methodOptions, {
      sourceIds: model.isEncoderDecoder ? sequences.map((s) => s.sourceIds!) : undefined,
      targetIds: sequences.map((s) => s.targetIds),
      sourceBaselineIds: model.isEncoderDecoder ? sequences.map((s) => s.sourceBaselineIds!) : undefined,
      targetBaselineIds: sequences.map((s) => s.targetBaselineIds),
      attributeTarget: model.isEncoderDecoder ? !!options.attributeTarget : true,
    });
    const results: RawSequenceResult[] = [];
    try {
      throwIfAborted(options.signal);
      for (const batch of batches) {
        results.push(
          ...(await runStackedStepLoop(batch, {
            model, method, methodOptions,
            attributedFn, attributedFnArgs,
            stepScores,
            attributeTarget: options.attributeTarget ?? false,
            signal: options.signal,
            onProgress: options.onProgress,
          }, options.stepBatchSize ?? 1)),
        );
      }
    } finally {
      method.unhook?.();
    }
    return {
      sequences, results, methodName: method.methodName, methodOptions: rawMethodOptions, stepScores: stepScoreNames,
      execTime: (Date.now() - t0) / 1000, attributedFnArgs, stepScoresArgs,
    };
  }
}
