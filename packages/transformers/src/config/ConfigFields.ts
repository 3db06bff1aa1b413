import { inseqError } from "@inseqjs/core";

/** Typed, validated reads of `config.json` fields; every failure is a `MALFORMED_FILE` error naming the field. */
export class ConfigFields {
  constructor(
    private readonly json: Readonly<Record<string, unknown>>,
    private readonly modelType: string,
  ) {}

  private fail(key: string, expected: string): never {
    throw inseqError(
      "MALFORMED_FILE",
      `config.json (model_type "${this.modelType}"): "${key}" must be ${expected}, got ${JSON.stringify(this.json[key])}. Fix config.json or re-download the model.`,
    );
  }

  private present(key: string): boolean {
    return this.json[key] !== undefined && this.json[key] !== null;
  }

  /** A positive integer (or `fallback` when absent). */
  positiveInt(key: string, fallback?: number): number {
    if (!this.present(key)) return fallback ?? this.fail(key, "a positive integer");
    const v = this.json[key];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) this.fail(key, "a positive integer");
    return v;
  }

  /** A non-negative integer token id, or `undefined` when absent. */
  tokenId(key: string): number | undefined {
    if (!this.present(key)) return undefined;
    const v = this.json[key];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) this.fail(key, "a non-negative integer token id");
    return v;
  }

  /** A positive finite number (or `fallback` when absent). */
  positiveNumber(key: string, fallback: number): number {
    if (!this.present(key)) return fallback;
    const v = this.json[key];
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) this.fail(key, "a positive number");
    return v;
  }

  /** A boolean (or `fallback` when absent). */
  bool(key: string, fallback: boolean): boolean {
    if (!this.present(key)) return fallback;
    const v = this.json[key];
    if (typeof v !== "boolean") this.fail(key, "true or false");
    return v;
  }

  /** A string (or `fallback` when absent). */
  string(key: string, fallback: string): string {
    if (!this.present(key)) return fallback;
    const v = this.json[key];
    if (typeof v !== "string") this.fail(key, "a string");
    return v;
  }

  /** First entry of `architectures` (the Hugging Face class name), or `fallback`. */
  architecture(fallback: string): string {
    const v = this.json.architectures;
    if (v === undefined || v === null) return fallback;
    if (!Array.isArray(v) || (v.length > 0 && typeof v[0] !== "string")) this.fail("architectures", "a list of class names");
    return (v[0] as string | undefined) ?? fallback;
  }

  /** Fails unless `a` is divisible by `b` (e.g. hidden size by heads). */
  divisible(aKey: string, a: number, bKey: string, b: number): void {
    if (a % b !== 0) this.fail(aKey, `divisible by ${bKey} = ${b}`);
  }
}
