import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { listStepFunctions, loadFromFile } from "inseqjs";
import { main } from "./bin.js";

const REPO = new URL("../../../", import.meta.url);
const model = (name: string): string => fileURLToPath(new URL(`models/${name}/`, REPO));
const EXPECTED = JSON.parse(readFileSync(new URL("test-data/expected/tiny-gpt2/integrated_gradients.json", REPO), "utf8"));
const GREEDY = EXPECTED.cases.find((c: { id: string }) => c.id === "greedy");

/** Runs the CLI's main with captured stdout / stderr. */
async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: "", stderr: "" };
  const stream = (key: "stdout" | "stderr") => ({ write: (s: string) => ((out[key] += s), true) }) as unknown as NodeJS.WritableStream;
  const code = await main(argv, { stdout: stream("stdout"), stderr: stream("stderr"), env: {} });
  return { code, ...out };
}

describe("inseqjs attribute", () => {
  it("tiny-gpt2, greedy generation: --save is loadable and its raw IG attributions equal the Captum reference; --viz / --svg written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "inseqjs-cli-"));
    // entropy is a built-in step function; fall back to logit where it is not registered
    const second = listStepFunctions().includes("entropy") ? "entropy" : "logit";
    const args = ["attribute", "-m", model("tiny-gpt2"), "-a", "integrated_gradients", "-i", GREEDY.input_text, "--max-new-tokens", "5"];
    const files = ["--save", join(dir, "out.json"), "--viz", join(dir, "out.html"), "--svg", join(dir, "out.svg")];
    const { code, stdout, stderr } = await cli([...args, "--step-scores", "probability", second, ...files, "--no-color", "--backend", "cpu"]);
    expect(stderr).not.toMatch(/inseqjs: /);
    expect(code).toBe(0);
    expect(stdout).toContain("integrated_gradients");
    expect(stdout).toContain(second);
    expect(stdout).not.toMatch(/\x1b\[/);

    const out = await loadFromFile(join(dir, "out.json"));
    const seq = out.sequenceAttributions[0];
    expect(out.info.generatedTexts).toEqual([GREEDY.generated_text]);
    expect(seq.target.map((t) => t.id)).toEqual(GREEDY.target_ids);
    expect(Object.keys(seq.stepScores).sort()).toEqual(["probability", second].sort());
    seq.stepScores.probability.data.forEach((p, k) => expect(Math.abs(p - GREEDY.sequence.step_scores.probability[k])).toBeLessThanOrEqual(1e-5));
    const t = seq.targetAttributions!;
    const [rows, nSteps, hidden] = t.shape;
    expect([rows, nSteps]).toEqual([GREEDY.target_ids.length, GREEDY.steps.length]);
    // tolerance table (integrated_gradients): |got − exp| ≤ 1e-4 + 1e-3 · max|exp_step|; NaN outside the prefix
    GREEDY.steps.forEach((step: { prefix_len: number; target_attributions: number[][] }, k: number) => {
      const maxExp = Math.max(...step.target_attributions.flat().map(Math.abs));
      for (let r = 0; r < rows; r++) {
        for (let h = 0; h < hidden; h++) {
          const v = t.data[(r * nSteps + k) * hidden + h];
          if (r < step.prefix_len) expect(Math.abs(v - step.target_attributions[r][h]), `step ${k} row ${r} dim ${h}`).toBeLessThanOrEqual(1e-4 + 1e-3 * maxExp);
          else expect(Number.isNaN(v)).toBe(true);
        }
      }
    });

    const html = readFileSync(join(dir, "out.html"), "utf8");
    expect(html.startsWith("<!DOCTYPE html>") || html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//i); // self-contained
    expect(html).toContain("<style");
    expect(readFileSync(join(dir, "out.svg"), "utf8")).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });

  it("tiny-marian (encoder-decoder), saliency with a given translation: heatmap and a loadable float16 file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "inseqjs-cli-"));
    const path = join(dir, "m.json.gz");
    const { code, stdout, stderr } = await cli([
      "attribute", "-m", model("tiny-marian"), "-i", "my old house", "-g", "can house ?", "--step-scores", "probability",
      "--save", path, "--scores-precision", "float16", "--no-color", "--backend", "cpu",
    ]);
    expect(stderr).not.toMatch(/inseqjs: /);
    expect(code).toBe(0);
    expect(stdout).toContain("saliency");
    const out = await loadFromFile(path);
    const seq = out.sequenceAttributions[0];
    expect(seq.sourceAttributions!.shape[0]).toBe(seq.source!.length);
    expect(seq.source!.at(-1)!.token).toBe("</s>");
    expect(readFileSync(path)[0]).toBe(0x1f); // gzip
  });

  it("usage errors exit 2 with the usage; bad option values are named", async () => {
    const none = await cli(["attribute", "--backend", "cpu"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/-i TEXT/);
    const badPrecision = await cli(["attribute", "-i", "x", "--scores-precision", "float64"]);
    expect(badPrecision.code).toBe(2);
    expect(badPrecision.stderr).toMatch(/--scores-precision must be/);
    const badJson = await cli(["attribute", "-i", "x", "--attribution-args", "{nope"]);
    expect(badJson.stderr).toMatch(/--attribution-args is not valid JSON/);
  });
});
