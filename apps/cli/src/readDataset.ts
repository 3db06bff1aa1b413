import { inseqError } from "inseqjs";
import { parseCsv } from "./parseCsv.js";

/** One example of a dataset to attribute. */
export interface DatasetExample {
  /** 0-based position among the examples of the file: the key of resuming and sharding. */
  readonly index: number;
  /** The `id` field when the file has one. */
  readonly id?: string | number;
  readonly input: string;
  /** Text to explain instead of generating one. */
  readonly generated?: string;
  /** 1-based line of the file the example starts on. */
  readonly line: number;
}

/** Dataset file formats. */
export type DatasetFormat = "jsonl" | "csv";

const INPUT_FIELDS = ["input", "input_text"] as const;
const GENERATED_FIELDS = ["generated", "generated_text"] as const;

/** The format of `path` from its extension (`.jsonl`, `.ndjson`, `.json` → jsonl; `.csv` → csv), or undefined. */
export function datasetFormatOf(path: string): DatasetFormat | undefined {
  if (/\.(jsonl|ndjson|json)$/i.test(path)) return "jsonl";
  if (/\.csv$/i.test(path)) return "csv";
  return undefined;
}

function example(row: Record<string, unknown>, index: number, line: number, name: string): DatasetExample {
  const fail = (message: string): never => {
    throw inseqError("MALFORMED_FILE", `${name} line ${line}: ${message}`);
  };
  const pick = (fields: readonly string[]): unknown => fields.map((f) => row[f]).find((v) => v !== undefined && v !== null && v !== "");
  const input = pick(INPUT_FIELDS);
  if (input === undefined) fail(`no "input" or "input_text" field (the example has: ${Object.keys(row).join(", ") || "no field"}).`);
  if (typeof input !== "string") fail(`the input must be a string, got ${JSON.stringify(input)}.`);
  const generated = pick(GENERATED_FIELDS);
  if (generated !== undefined && typeof generated !== "string") fail(`the generated text must be a string, got ${JSON.stringify(generated)}.`);
  const id = row.id;
  if (id !== undefined && id !== null && id !== "" && typeof id !== "string" && typeof id !== "number") fail(`"id" must be a string or a number, got ${JSON.stringify(id)}.`);
  return {
    index,
    line,
    input: input as string,
    ...(generated !== undefined ? { generated: generated as string } : {}),
    ...(id !== undefined && id !== null && id !== "" ? { id: id as string | number } : {}),
  };
}

function fromJsonl(text: string, name: string): DatasetExample[] {
  const out: DatasetExample[] = [];
  text.split("\n").forEach((raw, i) => {
    const lineText = raw.replace(/\r$/, "");
    if (lineText.trim() === "") return;
    let row: unknown;
    try {
      row = JSON.parse(lineText);
    } catch (e) {
      throw inseqError("MALFORMED_FILE", `${name} line ${i + 1}: not valid JSON (${(e as Error).message}); each line must be one object such as {"input": "..."}.`);
    }
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      throw inseqError("MALFORMED_FILE", `${name} line ${i + 1}: expected a JSON object such as {"input": "..."}, got ${JSON.stringify(row).slice(0, 60)}.`);
    }
    out.push(example(row as Record<string, unknown>, out.length, i + 1, name));
  });
  return out;
}

function fromCsv(text: string, name: string): DatasetExample[] {
  const [header, ...records] = parseCsv(text, name);
  if (!header) return [];
  const columns = header.fields.map((f) => f.trim());
  if (!columns.some((c) => (INPUT_FIELDS as readonly string[]).includes(c))) {
    throw inseqError("MALFORMED_FILE", `${name} line ${header.line}: the header needs an "input" or "input_text" column, got: ${columns.join(", ")}.`);
  }
  return records.map((r, i) => {
    if (r.fields.length !== columns.length) {
      throw inseqError("MALFORMED_FILE", `${name} line ${r.line}: ${r.fields.length} fields, but the header has ${columns.length} (${columns.join(", ")}); quote fields that contain commas.`);
    }
    return example(Object.fromEntries(columns.map((c, j) => [c, r.fields[j]])), i, r.line, name);
  });
}

/**
 * The examples of a JSONL file (one object per line, blank lines skipped) or a CSV file with a header row. Fields:
 * `input` or `input_text`, optional `generated` or `generated_text`, optional `id`. Anything malformed throws
 * `MALFORMED_FILE` naming the file and line.
 */
export function readDataset(text: string, format: DatasetFormat, name = "dataset"): DatasetExample[] {
  return format === "csv" ? fromCsv(text, name) : fromJsonl(text, name);
}
