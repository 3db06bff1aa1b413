// The "Done when" commands of issues 3 and 4, run through the CLI's main and compared with the references.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadFromFile, type NdArray } from "inseqjs";
import { main } from "./bin.js";

const REPO = new URL("../../../", import.meta.url);
const model = (name: string): string => fileURLToPath(new URL(`models/${name}/`, REPO));
const expected = (m: string, f: string) => JSON.parse(readFileSync(new URL(`test-data/expected/${m}/${f}.json`, REPO), "utf8"));

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: "", stderr: "" };
  const stream = (key: "stdout" | "stderr") => ({ write: (s: string) => ((out[key] += s), true) }) as unknown as NodeJS.WritableStream;
  const code = await main(argv, { stdout: stream("stdout"), stderr: stream("stderr"), env: {} });
  return { code, ...out };
}

/** Worst excess over `atol + rtol·max|exp|` of rows `[0, exp.length)` of column k of a `(len, nSteps, dim)` array. */
function excess(got: NdArray, k: number, exp: number[][], atol: number, rtol: number): number {
  const [, nSteps, dim] = got.shape;
  const tol = atol + rtol * Math.max(...exp.flat().map(Math.abs));
  let worst = -Infinity;
  exp.forEach((row, j) => row.forEach((e, d) => (worst = Math.max(worst, Math.abs(got.data[(j * nSteps + k) * dim + d] - e) - tol))));
  return worst;
}

describe("CLI done-when commands", () => {
  it("tiny-marian integrated_gradients --attribute-target: source and target matrices match the Captum reference", async () => {
    const ref = expected("tiny-marian", "integrated_gradients__attribute_target");
    for (const c of ref.cases) {
      const path = join(mkdtempSync(join(tmpdir(), "inseqjs-cli-")), "out.json");
      const { code, stderr } = await cli([
        "attribute", "-m", model("tiny-marian"), "-a", "integrated_gradients", "-i", c.input_text, "-g", c.generated_text,
        "--attribute-target", "--save", path, "--quiet", "--backend", "wasm",
      ]);
      expect(stderr).not.toMatch(/inseqjs: /);
      expect(code).toBe(0);
      const seq = (await loadFromFile(path)).sequenceAttributions[0];
      expect(seq.target.map((t) => t.id)).toEqual(c.target_ids);
      c.steps.forEach((step: { source_attributions: number[][]; target_attributions: number[][] }, k: number) => {
        expect(excess(seq.sourceAttributions!, k, step.source_attributions, 2e-4, 2e-3), `source step ${k}`).toBeLessThanOrEqual(0);
        expect(excess(seq.targetAttributions!, k, step.target_attributions, 2e-4, 2e-3), `target step ${k}`).toBeLessThanOrEqual(0);
      });
    }
  });

  it("tiny-gpt2 layer_integrated_gradients --target-layer transformer.h.1: per-position attributions of the block's width", async () => {
    const c = expected("tiny-gpt2", "integrated_gradients").cases[0];
    const path = join(mkdtempSync(join(tmpdir(), "inseqjs-cli-")), "layer.json");
    const { code, stdout, stderr } = await cli([
      "attribute", "-m", model("tiny-gpt2"), "-a", "layer_integrated_gradients", "--target-layer", "transformer.h.1",
      "-i", c.input_text, "-g", c.generated_text, "--attribution-args", '{"returnConvergenceDelta":true}', "--save", path, "--no-color",
    ]);
    expect(stderr).not.toMatch(/inseqjs: /);
    expect(code).toBe(0);
    expect(stdout).toContain("layer_integrated_gradients");
    const out = await loadFromFile(path);
    const seq = out.sequenceAttributions[0];
    expect(seq.targetAttributions!.shape).toEqual([9, 5, 32]);
    for (const d of seq.stepScores.deltas.data) expect(Math.abs(d)).toBeLessThan(1e-3);
    expect(out.info.attributionArgs).toMatchObject({ target_layer: "transformer.h.1" });
  });

  it("an unknown --target-layer names the close matches", async () => {
    const { code, stderr } = await cli(["attribute", "-m", model("tiny-gpt2"), "-a", "layer_integrated_gradients", "--target-layer", "transformer.h.7", "-i", "the cat", "-g", "the cat sat"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/UNKNOWN_LAYER/);
    expect(stderr).toMatch(/transformer\.h\.[01]/);
  });
});
