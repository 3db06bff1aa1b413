import { writeFile } from "node:fs/promises";
import { saveToFile, type AttributionProgress } from "inseqjs";
import { renderHtml, renderSvg, renderTerminalHeatmap } from "@inseqjs/viz";
import { ATTRIBUTION_FLAGS, attributionSettings, loadModelFor, SCORES_PRECISION_FLAG, scoresPrecision } from "./attributionFlags.js";
import { parseArgs, UsageError, type FlagSpec } from "./parseArgs.js";

/** Flags of `inseqjs attribute`. */
export const ATTRIBUTE_FLAGS: readonly FlagSpec[] = [
  { name: "input-texts", short: "i", type: "list", description: "input text(s) to attribute" },
  { name: "generated-texts", short: "g", type: "list", description: "generated text(s) to explain (decoder-only: prompt included); default: greedy generation" },
  ...ATTRIBUTION_FLAGS,
  { name: "save", type: "string", description: "write the attribution as inseq-compatible JSON (.json or .json.gz)" },
  SCORES_PRECISION_FLAG,
  { name: "viz", type: "string", description: "write a self-contained HTML heatmap" },
  { name: "svg", type: "string", description: "write the heatmap of the first sequence as SVG" },
  { name: "no-color", type: "boolean", description: "plain-text heatmap" },
  { name: "quiet", short: "q", type: "boolean", description: "no heatmap on stdout" },
];

/** The streams a command writes to (process.stdout / process.stderr, or test doubles). */
export interface CommandIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** `inseqjs attribute`: attribute, print a heatmap, optionally save JSON / HTML / SVG. */
export async function attributeCommand(argv: readonly string[], io: CommandIo): Promise<void> {
  const { flags } = parseArgs(argv, ATTRIBUTE_FLAGS);
  const inputs = flags["input-texts"] as string[] | undefined;
  if (!inputs?.length) throw new UsageError("Give the text to attribute with -i TEXT.");
  const settings = attributionSettings(flags);
  const precision = scoresPrecision(flags);
  const { method } = settings;
  const model = await loadModelFor(settings);
  try {
    const showProgress = !!io.stderr.isTTY;
    const out = await model.attribute(inputs, {
      ...settings.options,
      generatedTexts: flags["generated-texts"] as string[] | undefined,
      onProgress: (p: AttributionProgress) => {
        if (showProgress) io.stderr.write(`\r[inseqjs] ${method}: step ${p.step}/${p.totalSteps} (${(p.elapsedMs / 1000).toFixed(1)} s)${p.step === p.totalSteps ? "\n" : ""}`);
      },
    });
    const aggregated = out.aggregate();
    if (!flags.quiet) {
      for (const seq of aggregated.sequenceAttributions) {
        io.stdout.write(renderTerminalHeatmap(seq, { color: flags["no-color"] ? false : undefined, title: `${method} — ${out.info.modelName}` }) + "\n");
      }
    }
    if (flags.save) {
      await saveToFile(out, flags.save as string, { scoresPrecision: precision });
      io.stderr.write(`[inseqjs] saved ${flags.save}\n`);
    }
    if (flags.viz) {
      await writeFile(flags.viz as string, renderHtml(aggregated.sequenceAttributions, { title: `inseq.js — ${method}`, info: out.info }));
      io.stderr.write(`[inseqjs] wrote ${flags.viz}\n`);
    }
    if (flags.svg) {
      await writeFile(flags.svg as string, renderSvg(aggregated.sequenceAttributions[0]));
      io.stderr.write(`[inseqjs] wrote ${flags.svg}\n`);
    }
  } finally {
    model.dispose();
  }
}
