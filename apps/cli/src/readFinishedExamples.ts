import { appendFile, readFile, truncate } from "node:fs/promises";
import { inseqError, parsePythonJson } from "inseqjs";

/** What an `attribute-dataset` output file already holds. */
export interface FinishedExamples {
  /** Example index → its input text (for checking that the output belongs to the dataset). */
  readonly inputs: Map<number, string | undefined>;
  /** Whether an unfinished last line (a run stopped mid-write) was cut off the file. */
  readonly truncated: boolean;
}

function lineIndex(text: string, path: string, line: number): [number, string | undefined] {
  let row: unknown;
  try {
    row = parsePythonJson(text);
  } catch (e) {
    throw inseqError("MALFORMED_FILE", `${path} line ${line} is not a finished example (${(e as Error).message}); fix or delete that line, or use a new output file.`, e);
  }
  const o = row as { index?: unknown; attributes?: { info?: { input_texts?: unknown } } } | null;
  if (typeof o !== "object" || o === null || !Number.isSafeInteger(o.index) || (o.index as number) < 0) {
    throw inseqError("MALFORMED_FILE", `${path} line ${line} has no example "index"; it was not written by inseqjs attribute-dataset — use a new output file.`);
  }
  const texts = o.attributes?.info?.input_texts;
  return [o.index as number, Array.isArray(texts) && typeof texts[0] === "string" ? texts[0] : undefined];
}

/**
 * Reads the examples an earlier `attribute-dataset` run finished in `path` (none when the file does not exist). A
 * last line without its line break that does not parse is what a stopped run leaves: it is cut off the file, and
 * that example runs again. Any other unreadable line throws `MALFORMED_FILE` naming it.
 */
export async function readFinishedExamples(path: string): Promise<FinishedExamples> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return { inputs: new Map(), truncated: false };
    throw e;
  }
  const inputs = new Map<number, string | undefined>();
  const end = text.lastIndexOf("\n") + 1;
  const lines = text.slice(0, end).split("\n");
  lines.forEach((l, i) => {
    if (l.trim() !== "") inputs.set(...lineIndex(l, path, i + 1));
  });
  const rest = text.slice(end);
  if (rest.trim() === "") return { inputs, truncated: false };
  try {
    inputs.set(...lineIndex(rest, path, lines.length));
    // A complete last line without its break: add the break so that the next line starts cleanly.
    await appendFile(path, "\n");
    return { inputs, truncated: false };
  } catch (e) {
    if ((e as { code?: string }).code !== "MALFORMED_FILE") throw e;
    await truncate(path, Buffer.byteLength(text.slice(0, end)));
    return { inputs, truncated: true };
  }
}
