import { loadModel, type BackendName, type InseqAttributeOptions, type InseqModel, type ScoresPrecision } from "inseqjs";
import { DEFAULT_MODEL_PATH } from "./defaultModel.js";
import { UsageError, type FlagSpec, type ParsedArgs } from "./parseArgs.js";

/** Flags that choose the model, the method and the attribution options; shared by `attribute` and `attribute-dataset`. */
export const ATTRIBUTION_FLAGS: readonly FlagSpec[] = [
  { name: "model", short: "m", type: "string", description: "model folder (Hugging Face layout) or hub id; default: the model shipped in the repo" },
  { name: "attribution-method", short: "a", type: "string", description: "method id (inseqjs list-methods); default saliency" },
  { name: "step-scores", type: "list", description: "step functions stored per step, e.g. probability" },
  { name: "attribution-args", type: "string", description: "method options as JSON, e.g. '{\"nSteps\":20}'" },
  { name: "attributed-fn", type: "string", description: "step function to attribute (default probability)" },
  { name: "attr-pos-start", type: "string", description: "first target position to attribute" },
  { name: "attr-pos-end", type: "string", description: "one past the last target position to attribute" },
  { name: "attribute-target", type: "boolean", description: "encoder-decoder: also attribute the decoder prefix" },
  { name: "target-layer", type: "string", description: "layer methods: Hugging Face name of the layer to attribute" },
  { name: "include-eos-baseline", type: "boolean", description: "replace EOS by the baseline token too" },
  { name: "max-new-tokens", type: "string", description: "tokens to generate when no generated text is given (default 20)" },
  { name: "backend", type: "string", description: "tfjs backend: auto | wasm | cpu | webgl | webgpu (default auto)" },
];

/** What {@link ATTRIBUTION_FLAGS} select: the model to load and the options of every `attribute` call (texts apart). */
export interface AttributionSettings {
  readonly modelPath: string;
  readonly method: string;
  readonly backend: BackendName | "auto";
  readonly options: InseqAttributeOptions;
}

/** An integer flag, or undefined when absent; anything else is a {@link UsageError}. */
export function intFlag(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} must be an integer, got ${String(value)}.`);
  return n;
}

/** Reads {@link ATTRIBUTION_FLAGS} from parsed flags (bad values are {@link UsageError}s). */
export function attributionSettings(flags: ParsedArgs["flags"]): AttributionSettings {
  let methodOptions: Record<string, unknown> = {};
  if (flags["attribution-args"] !== undefined) {
    try {
      methodOptions = JSON.parse(flags["attribution-args"] as string);
    } catch (e) {
      throw new UsageError(`--attribution-args is not valid JSON (${(e as Error).message}); example: '{"nSteps":20}'.`);
    }
    if (typeof methodOptions !== "object" || methodOptions === null || Array.isArray(methodOptions)) throw new UsageError("--attribution-args must be a JSON object.");
  }
  if (flags["target-layer"] !== undefined) methodOptions.targetLayer = flags["target-layer"];
  return {
    modelPath: (flags.model as string | undefined) ?? DEFAULT_MODEL_PATH,
    method: (flags["attribution-method"] as string | undefined) ?? "saliency",
    backend: ((flags.backend as string | undefined) ?? "auto") as BackendName | "auto",
    options: {
      stepScores: flags["step-scores"] as string[] | undefined,
      attributedFn: flags["attributed-fn"] as string | undefined,
      attrPosStart: intFlag(flags["attr-pos-start"], "attr-pos-start"),
      attrPosEnd: intFlag(flags["attr-pos-end"], "attr-pos-end"),
      attributeTarget: !!flags["attribute-target"],
      includeEosBaseline: !!flags["include-eos-baseline"],
      generationArgs: { maxNewTokens: intFlag(flags["max-new-tokens"], "max-new-tokens") },
      methodOptions,
    },
  };
}

/** Loads the model that `settings` name, bound to their method. */
export function loadModelFor(settings: AttributionSettings): Promise<InseqModel> {
  return loadModel(settings.modelPath, settings.method, { backend: settings.backend });
}

/** `--scores-precision`: precision of the arrays in saved files (inseq's `scores_precision`). */
export const SCORES_PRECISION_FLAG: FlagSpec = {
  name: "scores-precision",
  type: "string",
  description: "precision of saved arrays: float32 (default, lossless) | float16 | float8",
};

/** The value of {@link SCORES_PRECISION_FLAG} (default float32). */
export function scoresPrecision(flags: ParsedArgs["flags"]): ScoresPrecision {
  const value = (flags["scores-precision"] as string | undefined) ?? "float32";
  if (value !== "float32" && value !== "float16" && value !== "float8") throw new UsageError(`--scores-precision must be float32, float16 or float8, got ${value}.`);
  return value;
}
