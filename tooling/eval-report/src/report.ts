// `pnpm eval`: every registered method on the trained tiny models → docs/faithfulness.md.
// Options: --kv N (recall prompts, default 100), --translate N (sentences, default 40), --out FILE,
// --kv-model DIR / --translate-model DIR (default: the folders in models/).
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { listMethods, loadModel, useBackend } from "inseqjs";
import { kvRow, translationRow, type MethodRow, type RowFunction } from "./evaluateMethod.js";
import { readHeldOut, type KvHeldOut, type TranslationHeldOut } from "./heldOut.js";
import { randomAttribution } from "./randomAttribution.js";
import { renderReport } from "./renderReport.js";

const flag = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
};
const root = new URL("../../../", import.meta.url);
const kvDir = flag("kv-model", fileURLToPath(new URL("models/tiny-kv/", root)));
const translateDir = flag("translate-model", fileURLToPath(new URL("models/tiny-translate/", root)));
const out = flag("out", fileURLToPath(new URL("docs/faithfulness.md", root)));
const kvExamples = readHeldOut<KvHeldOut>(kvDir, Number(flag("kv", "100")));
const translateExamples = readHeldOut<TranslationHeldOut>(translateDir, Number(flag("translate", "40")));

const backend = (await useBackend("wasm")).backend;
const methods = listMethods().sort();
const log = (s: string) => process.stderr.write(`[eval] ${s}\n`);

async function runAll<E>(dir: string, examples: readonly E[], row: RowFunction<E>): Promise<MethodRow[]> {
  const model = await loadModel(dir, "saliency", { backend: "wasm" });
  const rows: MethodRow[] = [];
  try {
    for (const method of methods) {
      const { row: r, output } = await row(model, method, examples);
      rows.push(r);
      log(`${dir.split("/").filter(Boolean).at(-1)} ${method}: ${r.seconds.toFixed(1)} s`);
      if (method === "integrated_gradients") {
        const random = await row(model, "random", examples, randomAttribution(output, 1));
        rows.push({ ...random.row, seconds: 0 });
      }
    }
  } finally {
    model.dispose();
  }
  const order = (m: string) => (m === "random" ? 1 : 0);
  return rows.sort((a, b) => order(a.method) - order(b.method));
}

const kvRows = await runAll(kvDir, kvExamples, kvRow);
const translationRows = await runAll(translateDir, translateExamples, translationRow);
writeFileSync(
  out,
  renderReport({
    kv: { model: "models/tiny-kv", examples: kvExamples.length, rows: kvRows },
    translation: { model: "models/tiny-translate", examples: translateExamples.length, rows: translationRows },
    backend,
    command: "pnpm eval",
  }),
);
log(`wrote ${out}`);
