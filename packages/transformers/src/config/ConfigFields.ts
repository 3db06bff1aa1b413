import { inseqError } from "@inseqjs/core";

/** Largest size any integer field may have (tensor dimensions are int32 in TF.js). */
export const MAX_CONFIG_INT = 2 ** 31 - 1;

/**
 * Bounds of fields that size host allocations made from the config alone (per-layer arrays), so that a hostile
 * config.json cannot ask for billions of layers before any weight is read. Far above every published model.
 */
const FIELD_LIMITS: Readonly<Record<string, number>> = {
  n_layer: 4096,
  num_hidden_layers: 4096,
  encoder_layers: 4096,
  decoder_layers: 4096,
};

/** Most positions of a model whose sinusoidal position table is computed from config.json (Marian, M2M-100). */
export const MAX_SINUSOIDAL_POSITIONS = 65_536;

/** Most values of a table computed from config.json alone (64 Mi floats, 256 MiB). */
export const MAX_COMPUTED_TABLE = 2 ** 26;

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
    return Object.hasOwn(this.json, key) && this.json[key] !== undefined && this.json[key] !== null;
  }

  /** A positive integer up to `max` (default: the field's limit, else {@link MAX_CONFIG_INT}), or `fallback` when absent. */
  positiveInt(key: string, fallback?: number, max = Object.hasOwn(FIELD_LIMITS, key) ? FIELD_LIMITS[key] : MAX_CONFIG_INT): number {
    if (!this.present(key)) return fallback ?? this.fail(key, "a positive integer");
    const v = this.json[key];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1 || v > max) this.fail(key, `a positive integer (at most ${max})`);
    return v;
  }

  /** A non-negative integer token id, or `undefined` when absent. */
  tokenId(key: string): number | undefined {
    if (!this.present(key)) return undefined;
    const v = this.json[key];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0 || v > MAX_CONFIG_INT) this.fail(key, "a non-negative integer token id");
    return v;
  }

  /** Fails: the token id under `key` must be below `limit` (the vocabulary size). */
  tokenIdBelow(key: string, limit: number): never {
    return this.fail(key, `a token id below vocab_size (${limit})`);
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

  /**
   * Fails when a table computed from the config alone (a sinusoidal position table of `rows × cols` floats) would
   * exceed {@link MAX_COMPUTED_TABLE} elements: its size is not checked against the checkpoint.
   */
  computedTable(rowsKey: string, rows: number, colsKey: string, cols: number): void {
    if (rows * cols > MAX_COMPUTED_TABLE) this.fail(rowsKey, `small enough that ${rowsKey} × ${colsKey} (${rows} × ${cols}) stays under ${MAX_COMPUTED_TABLE} values`);
  }

  /** Fails unless `a` is divisible by `b` (e.g. hidden size by heads). */
  divisible(aKey: string, a: number, bKey: string, b: number): void {
    if (a % b !== 0) this.fail(aKey, `divisible by ${bKey} = ${b}`);
  }
}
