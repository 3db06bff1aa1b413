import { inseqError } from "../errors.js";
import type { RawMethodOptions } from "../method.js";

const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Typed reads of raw method options, each failing with `INVALID_OPTION` naming the option and the expected type. */
export interface OptionReader {
  boolean(name: string, fallback: boolean): boolean;
  integer(name: string, fallback: number, min: number): number;
  optionalInteger(name: string, min: number): number | undefined;
  number(name: string, fallback: number, min: number): number;
  optionalString(name: string): string | undefined;
  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T;
  /** The raw value (undefined when absent), for options with a custom shape. */
  value(name: string): unknown;
  /** Throws `INVALID_OPTION` for `name` with the given expectation. */
  fail(name: string, expected: string): never;
}

/**
 * Reads `raw` options of `methodName`. Keys may be camelCase or inseq's snake_case (`n_steps`); keys outside `known`
 * are rejected so that a typo is not silently ignored.
 */
export function optionReader(methodName: string, raw: RawMethodOptions, known: readonly string[]): OptionReader {
  const values = new Map<string, unknown>();
  for (const [key, value] of Object.entries(raw ?? {})) {
    const name = camel(key);
    if (!known.includes(name)) {
      throw inseqError("INVALID_OPTION", `${methodName} has no option "${key}"; valid options: ${known.length ? known.join(", ") : "(none)"}.`);
    }
    if (values.has(name)) throw inseqError("INVALID_OPTION", `${methodName}: option "${name}" is given twice (camelCase and snake_case); pass it once.`);
    if (value !== undefined && value !== null) values.set(name, value); // null means default, like Python's None
  }
  const fail = (name: string, expected: string): never => {
    throw inseqError("INVALID_OPTION", `${methodName}: option "${name}" must be ${expected}, got ${JSON.stringify(values.get(name))}.`);
  };
  const isInt = (v: unknown, min: number): v is number => typeof v === "number" && Number.isInteger(v) && v >= min;
  return {
    fail,
    value: (name) => values.get(name),
    boolean(name, fallback) {
      const v = values.get(name) ?? fallback;
      return typeof v === "boolean" ? v : fail(name, "a boolean");
    },
    integer(name, fallback, min) {
      const v = values.get(name) ?? fallback;
      return isInt(v, min) ? v : fail(name, `an integer ≥ ${min}`);
    },
    optionalInteger(name, min) {
      const v = values.get(name);
      return v === undefined ? undefined : isInt(v, min) ? v : fail(name, `an integer ≥ ${min} (or left out)`);
    },
    number(name, fallback, min) {
      const v = values.get(name) ?? fallback;
      return typeof v === "number" && Number.isFinite(v) && v >= min ? v : fail(name, `a finite number ≥ ${min}`);
    },
    optionalString(name) {
      const v = values.get(name);
      return v === undefined ? undefined : typeof v === "string" && v.length > 0 ? v : fail(name, "a non-empty string (or left out)");
    },
    choice(name, choices, fallback) {
      const v = values.get(name) ?? fallback;
      return (choices as readonly unknown[]).includes(v) ? (v as (typeof choices)[number]) : fail(name, `one of ${choices.map((c) => `"${c}"`).join(", ")}`);
    },
  };
}
