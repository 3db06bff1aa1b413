import { writeFile } from "node:fs/promises";
import { loadModel, saveToFile, type AttributionProgress, type BackendName } from "inseqjs";
import { renderHtml, renderSvg, renderTerminalHeatmap } from "@inseqjs/viz";
import { DEFAULT_MODEL_PATH } from "./defaultModel.js";
import { parseArgs, UsageError, type FlagSpec } from "./parseArgs.js";

/** Flags of `inseqjs attribute`. */
export const ATTRIBUTE_FLAGS: readonly FlagSpec[] = [
  { name: "model", short: "m", type: "string", description: "model folder (Hugging Face layout) or hub id; default: the model shipped in the repo" },
  { name: "attribution-method", short: "a", type: "string", description: "method id (inseqjs list-methods); default saliency" },
  { name: "input-texts", short: "i", type: "list", description: "input text(s) to attribute" },
  { name: "generated-texts", short: "g", type: "list", description: "generated text(s) to explain (decoder-only: prompt included); default: greedy generation" },
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
  { name: "save", type: "string", description: "write the attribution as inseq-compatible JSON (.json or .json.gz)" },
  { name: "viz", type: "string", description: "write a self-contained HTML heatmap" },
  { name: "svg", type: "string", description: "write the heatmap of the first sequence as SVG" },
  { name: "no-color", type: "boolean", description: "plain-text heatmap" },
  { name: "quiet", short: "q", type: "boolean", description: "no heatmap on stdout" },
];

function intFlag(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} must be an integer, got ${String(value)}.`);
  return n;
}

/** `inseqjs attribute`: attribute, print a heatmap, optionally save JSON / HTML / SVG. */
export async function attributeCommand(argv: readonly string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream & { isTTY?: boolean } }): Promise<void> {
  const { flags } = parseArgs(argv, ATTRIBUTE_FLAGS);
  const inputs = flags["input-texts"] as string[] | undefined;
  if (!inputs?.length) throw new UsageError("Give the text to attribute with -i TEXT.");
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
  const method = (flags["attribution-method"] as string | undefined) ?? "saliency";
  const modelPath = (flags.model as string | undefined) ?? DEFAULT_MODEL_PATH;
  const model = await loadModel(modelPath, method, { backend: ((flags.backend as string | undefined) ?? "auto") as BackendName | "auto" });
  try {
    const showProgress = !!io.stderr.isTTY;
    const out = await model.attribute(inputs, {
      generatedTexts: flags["generated-texts"] as string[] | undefined,
      stepScores: flags["step-scores"] as string[] | undefined,
      attributedFn: flags["attributed-fn"] as string | undefined,
      attrPosStart: intFlag(flags["attr-pos-start"], "attr-pos-start"),
      attrPosEnd: intFlag(flags["attr-pos-end"], "attr-pos-end"),
      attributeTarget: !!flags["attribute-target"],
      includeEosBaseline: !!flags["include-eos-baseline"],
      generationArgs: { maxNewTokens: intFlag(flags["max-new-tokens"], "max-new-tokens") },
      methodOptions,
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
      await saveToFile(out, flags.save as string);
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
