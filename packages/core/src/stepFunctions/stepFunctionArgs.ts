import { inseqError } from "../errors.js";

const snakeCase = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The value of step-function option `name` (camelCase) in `args`, also found under inseq's snake_case spelling. */
export function stepFunctionArg(args: Readonly<Record<string, unknown>>, name: string): unknown {
  if (args[name] !== undefined) return args[name];
  return args[snakeCase(name)];
}

/** A boolean step-function option (default `fallback`); anything but a boolean throws `INVALID_OPTION`. */
export function booleanArg(args: Readonly<Record<string, unknown>>, name: string, fallback: boolean): boolean {
  const v = stepFunctionArg(args, name);
  if (v === undefined) return fallback;
  if (typeof v !== "boolean") throw inseqError("INVALID_OPTION", `Step function option ${name} must be true or false, got ${JSON.stringify(v)}.`);
  return v;
}

/**
 * A numeric step-function option within `[min, max]` (integers only when `integer`), `fallback` when absent;
 * `fallback` undefined makes it required. Anything else throws `INVALID_OPTION` naming the option.
 */
export function numberArg(
  args: Readonly<Record<string, unknown>>,
  name: string,
  range: { fallback?: number; min: number; max: number; integer?: boolean; stepFunction: string },
): number {
  const v = stepFunctionArg(args, name);
  if (v === undefined) {
    if (range.fallback === undefined) {
      throw inseqError("INVALID_OPTION", `Step function "${range.stepFunction}" needs option ${name}; pass it in stepScoresArgs / attributedFnArgs (e.g. { ${name}: ${range.max === 1 ? 0.9 : 10} }).`);
    }
    return range.fallback;
  }
  if (typeof v !== "number" || Number.isNaN(v) || v < range.min || v > range.max || (range.integer && !Number.isInteger(v))) {
    throw inseqError(
      "INVALID_OPTION",
      `Step function "${range.stepFunction}": option ${name} must be ${range.integer ? "an integer" : "a number"} in [${range.min}, ${range.max}], got ${JSON.stringify(v)}.`,
    );
  }
  return v;
}
