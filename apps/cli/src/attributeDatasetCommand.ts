import { open, readFile } from "node:fs/promises";
import { inseqError, InseqError, stringifyPythonJson, toInseqJson } from "inseqjs";
import type { CommandIo } from "./attributeCommand.js";
import { ATTRIBUTION_FLAGS, attributionSettings, loadModelFor, SCORES_PRECISION_FLAG, scoresPrecision } from "./attributionFlags.js";
import { parseArgs, UsageError, type FlagSpec } from "./parseArgs.js";
import { datasetFormatOf, readDataset, type DatasetExample, type DatasetFormat } from "./readDataset.js";
import { readFinishedExamples } from "./readFinishedExamples.js";

/** Flags of `inseqjs attribute-dataset`: the dataset, the output, sharding, and every attribution flag of `attribute`. */
export const ATTRIBUTE_DATASET_FLAGS: readonly FlagSpec[] = [
  { name: "dataset", short: "d", type: "string", description: "JSONL or CSV file: input / input_text, optional generated / generated_text and id" },
  { name: "output", short: "o", type: "string", description: "JSONL file receiving one attributed example per line; rerun to resume" },
  { name: "format", type: "string", description: "jsonl | csv (default: from the dataset's extension)" },
  { name: "shard", type: "string", description: "I/N: only examples k with k mod N = I (one process and output file per shard)" },
  ...ATTRIBUTION_FLAGS,
  SCORES_PRECISION_FLAG,
];

/** A `--shard I/N` value. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Parses `--shard I/N` (0 ≤ I < N); absent means the whole dataset. */
export function parseShard(value: unknown): Shard {
  if (value === undefined) return { index: 0, count: 1 };
  const m = /^(\d+)\/(\d+)$/.exec(String(value));
  const [index, count] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!m || count < 1 || index >= count) throw new UsageError(`--shard must be I/N with 0 ≤ I < N (e.g. 0/4), got ${String(value)}.`);
  return { index, count };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") throw inseqError("MISSING_FILE", `No dataset at ${path}; check the path.`, e);
    throw e;
  }
}

/** The output line of one example: inseq's saved JSON of its attribution, on one line, plus its `index` (and `id`). */
function outputLine(tree: unknown, ex: DatasetExample): string {
  return stringifyPythonJson({ ...(tree as Record<string, unknown>), index: ex.index, id: ex.id }, null) + "\n";
}

/**
 * `inseqjs attribute-dataset`: attributes every example of a JSONL / CSV file (or the examples of one shard),
 * appending each result to the output as soon as it is done; a rerun skips the examples already in the output.
 */
export async function attributeDatasetCommand(argv: readonly string[], io: CommandIo): Promise<void> {
  const { flags, positionals } = parseArgs(argv, ATTRIBUTE_DATASET_FLAGS);
  if (positionals.length > (flags.dataset === undefined ? 1 : 0)) throw new UsageError(`Unexpected argument ${positionals.at(-1)}; give one dataset file.`);
  const datasetPath = (flags.dataset as string | undefined) ?? positionals[0];
  if (!datasetPath) throw new UsageError("Give the dataset file: inseqjs attribute-dataset DATA.jsonl -o OUT.jsonl.");
  const outputPath = flags.output as string | undefined;
  if (!outputPath) throw new UsageError("Give the output file with -o OUT.jsonl (one line per attributed example).");
  const format = (flags.format as string | undefined) ?? datasetFormatOf(datasetPath);
  if (format !== "jsonl" && format !== "csv") throw new UsageError(`Cannot tell the format of ${datasetPath}; pass --format jsonl or --format csv.`);
  const shard = parseShard(flags.shard);
  const settings = attributionSettings(flags);
  const precision = scoresPrecision(flags);

  const examples = readDataset(await readText(datasetPath), format as DatasetFormat, datasetPath);
  const finished = await readFinishedExamples(outputPath);
  for (const [index, input] of finished.inputs) {
    const ex = examples[index];
    if (!ex || (input !== undefined && input !== ex.input)) {
      throw inseqError(
        "INVALID_OPTION",
        `${outputPath} holds example ${index}${input === undefined ? "" : ` (${JSON.stringify(input.slice(0, 40))})`}, which is ${ex ? `not example ${index} of ${datasetPath} (${JSON.stringify(ex.input.slice(0, 40))})` : `not in ${datasetPath} (${examples.length} examples)`}; it belongs to another dataset — use a new output file.`,
      );
    }
  }
  const mine = examples.filter((ex) => ex.index % shard.count === shard.index);
  const todo = mine.filter((ex) => !finished.inputs.has(ex.index));
  const where = shard.count > 1 ? `shard ${shard.index}/${shard.count}: ` : "";
  if (finished.truncated) io.stderr.write(`[inseqjs] ${outputPath}: removed an unfinished last line; that example runs again\n`);
  io.stderr.write(`[inseqjs] ${datasetPath}: ${examples.length} examples, ${where}${mine.length - todo.length} of ${mine.length} already in ${outputPath}, ${todo.length} to attribute\n`);
  if (todo.length === 0) return;

  const model = await loadModelFor(settings);
  const file = await open(outputPath, "a");
  const started = Date.now();
  try {
    for (const [k, ex] of todo.entries()) {
      let tree: unknown;
      try {
        const out = await model.attribute(ex.input, { ...settings.options, generatedTexts: ex.generated });
        tree = toInseqJson(out, precision);
      } catch (e) {
        if (e instanceof InseqError) throw inseqError(e.code, `${datasetPath} line ${ex.line} (example ${ex.index}): ${e.message}`, e);
        throw e;
      }
      await file.write(outputLine(tree, ex));
      const elapsed = Date.now() - started;
      const left = ((todo.length - k - 1) * elapsed) / (k + 1);
      const end = k + 1 === todo.length || !io.stderr.isTTY ? "\n" : "";
      io.stderr.write(`${io.stderr.isTTY ? "\r" : ""}[inseqjs] ${where}${k + 1}/${todo.length} examples (${seconds(elapsed)}, about ${seconds(left)} left)${end}`);
    }
  } finally {
    await file.close();
    model.dispose();
  }
}
