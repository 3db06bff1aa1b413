import { inseqError } from "../errors.js";

function invalid(message: string): never {
  throw inseqError("INVALID_OPTION", message);
}

function shown(value: unknown): string {
  if (typeof value === "function") return "a function";
  if (typeof value === "bigint") return `${value}n`;
  try {
    return JSON.stringify(value)?.slice(0, 80) ?? String(value);
  } catch {
    return typeof value;
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function stringList(name: string, value: unknown, example: string): void {
  if (value === undefined) return;
  if (typeof value === "string") return;
  if (!Array.isArray(value) || !value.every((t) => typeof t === "string")) {
    invalid(`Option ${name} must be a string or an array of strings (${example}), got ${shown(value)}.`);
  }
}

function integer(name: string, value: unknown, min: number): void {
  if (value !== undefined && (!Number.isInteger(value) || (value as number) < min)) {
    invalid(`Option ${name} must be an integer ≥ ${min}, got ${shown(value)}.`);
  }
}

function boolean(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== "boolean") invalid(`Option ${name} must be true or false, got ${shown(value)}.`);
}

function object(name: string, value: unknown, example: string): void {
  if (value !== undefined && !isPlainObject(value)) invalid(`Option ${name} must be an object (${example}), got ${shown(value)}.`);
}

/**
 * Checks the types of the inputs and the options of `attributeRaw` before any work, so that a wrong type is an
 * `INVALID_OPTION` error naming the option and the expected type rather than a `TypeError` deep in the loop.
 * Method-specific options are checked by the method's `resolveOptions`, contrast options by `readContrastSpec`.
 */
export function checkAttributeOptions(inputTexts: unknown, options: unknown): void {
  if (!isPlainObject(options)) invalid(`The attribute options must be an object such as { method: "saliency" }, got ${shown(options)}.`);
  if (typeof inputTexts !== "string" && (!Array.isArray(inputTexts) || !inputTexts.every((t) => typeof t === "string"))) {
    invalid(`The input texts must be a string or an array of strings, got ${shown(inputTexts)}.`);
  }
  const o = options;
  const method = o.method;
  if (typeof method !== "string" && !(isPlainObject(method) && typeof method.attributeStep === "function")) {
    invalid(`Option method must be a method id such as "integrated_gradients" (see listMethods()) or an AttributionMethod instance, got ${shown(method)}.`);
  }
  stringList("generatedTexts", o.generatedTexts, "the full generated text of each input; omit it to generate");
  if (o.stepScores !== undefined && (!Array.isArray(o.stepScores) || !o.stepScores.every((s) => typeof s === "string"))) {
    invalid(`Option stepScores must be an array of step function ids, e.g. ["probability"], got ${shown(o.stepScores)}.`);
  }
  if (o.attributedFn !== undefined && typeof o.attributedFn !== "string") {
    invalid(`Option attributedFn must be a step function id such as "probability" (see listStepFunctions()), got ${shown(o.attributedFn)}.`);
  }
  object("attributedFnArgs", o.attributedFnArgs, "arguments of the attributed function, e.g. { contrastTargets: [...] }");
  object("stepScoresArgs", o.stepScoresArgs, "arguments of the step scores");
  object("methodOptions", o.methodOptions, "e.g. { nSteps: 50 }");
  for (const name of ["attrPosStart", "attrPosEnd"] as const) {
    if (o[name] !== undefined && !Number.isSafeInteger(o[name])) {
      invalid(`Option ${name} must be an integer target position (negative counts from the end), got ${shown(o[name])}.`);
    }
  }
  integer("batchSize", o.batchSize, 1);
  integer("stepBatchSize", o.stepBatchSize, 1);
  boolean("attributeTarget", o.attributeTarget);
  boolean("includeEosBaseline", o.includeEosBaseline);
  object("generationArgs", o.generationArgs, "e.g. { maxNewTokens: 10 }");
  if (isPlainObject(o.generationArgs)) {
    integer("generationArgs.maxNewTokens", o.generationArgs.maxNewTokens, 0);
    boolean("generationArgs.stopAtEos", o.generationArgs.stopAtEos);
  }
  const signal = o.signal as { aborted?: unknown } | undefined;
  if (signal !== undefined && (typeof signal !== "object" || signal === null || typeof signal.aborted !== "boolean")) {
    invalid(`Option signal must be an AbortSignal (new AbortController().signal), got ${shown(signal)}.`);
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== "function") {
    invalid(`Option onProgress must be a function receiving { step, totalSteps, elapsedMs }, got ${shown(o.onProgress)}.`);
  }
}
