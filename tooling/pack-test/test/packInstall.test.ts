import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand, runPnpm } from "./runCommand.js";

// A user who only wants saliency installs four packages from npm. This packs them as `pnpm publish` would and
// installs the tarballs into a scratch project outside the workspace, so nothing resolves through the monorepo.
const repo = fileURLToPath(new URL("../../../", import.meta.url));
const packages = ["core", "gradient", "transformers", "backend-tfjs"];
const scratch = mkdtempSync(join(tmpdir(), "inseqjs-pack-"));

const script = `
import { useBackend } from "@inseqjs/backend-tfjs";
import { attributeRaw, buildAttributionOutput, listMethods } from "@inseqjs/core";
import "@inseqjs/gradient";
import { loadTransformersModel } from "@inseqjs/transformers";

const choice = await useBackend("auto");
const model = await loadTransformersModel(process.argv[2]);
const options = { method: "saliency", generatedTexts: "the cat sat on ? who many again who", stepScores: ["probability"] };
const out = buildAttributionOutput(model, await attributeRaw(model, "the cat sat on", options), options);
const s = out.getScores()[0];
const nan = (v) => (Number.isFinite(v) ? v : null);
console.log(JSON.stringify({ backend: choice.backend, methods: listMethods(), target: s.targetAttributions.map((r) => r.map(nan)), probability: s.stepScores.probability }));
`;

describe("selective install from packed tarballs", () => {
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const tarballs: string[] = [];

  it("pnpm pack writes publishable package.json files", () => {
    const packDir = join(scratch, "tarballs");
    for (const name of packages) runPnpm(["pack", "--pack-destination", packDir], join(repo, "packages", name));
    for (const file of readdirSync(packDir)) tarballs.push(join(packDir, file));
    expect(tarballs).toHaveLength(4);
    for (const tgz of tarballs) {
      const listing = runCommand("tar", ["-tzf", tgz], scratch).split("\n");
      const manifest = JSON.parse(runCommand("tar", ["-xzOf", tgz, "package/package.json"], scratch)) as Record<string, any>;
      const text = JSON.stringify(manifest);
      expect(text, `${manifest.name}: source condition must not be published`).not.toContain("@inseqjs/source");
      expect(text, `${manifest.name}: workspace ranges must be replaced`).not.toContain("workspace:");
      expect(listing, manifest.name).toContain("package/dist/index.js");
      expect(listing, manifest.name).toContain("package/dist/index.d.ts");
      expect(listing.some((f) => f.startsWith("package/src/")), `${manifest.name} ships no sources`).toBe(false);
      expect(listing.some((f) => f.endsWith(".test.js")), `${manifest.name} ships no tests`).toBe(false);
      expect(manifest.exports["."].types).toBe("./dist/index.d.ts");
      expect(manifest.types).toBe("./dist/index.d.ts");
      for (const dep of Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith("@inseqjs/"))) expect(packages.map((p) => `@inseqjs/${p}`)).toContain(dep);
    }
  }, 120_000);

  it("npm installs only the four packages and saliency runs in Node on models/tiny-gpt2", () => {
    expect(tarballs).toHaveLength(4);
    const project = join(scratch, "project");
    runCommand("mkdir", ["-p", project], scratch);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }));
    writeFileSync(join(project, "run.mjs"), script);
    runCommand("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs], project, 420_000);
    expect(readdirSync(join(project, "node_modules/@inseqjs")).sort()).toEqual(["backend-tfjs", "core", "gradient", "transformers"]);
    const out = JSON.parse(runCommand("node", ["run.mjs", join(repo, "models/tiny-gpt2")], project).trim().split("\n").pop()!);
    expect(out.backend).toBe("wasm");
    expect(out.methods).toContain("saliency");
    expect(out.methods).not.toContain("layer_integrated_gradients"); // @inseqjs/layer was not installed
    const expected = JSON.parse(readFileSync(join(repo, "test-data/expected/tiny-gpt2/saliency.json"), "utf8")).cases.find((c: { id: string }) => c.id === "greedy");
    const want = expected.sequence.target_attributions_aggregated as (number | null)[][];
    expect(out.target.length).toBe(want.length);
    want.forEach((row, i) => row.forEach((v, k) => {
      if (v === null) expect(out.target[i][k]).toBeNull();
      else expect(Math.abs(out.target[i][k] - v)).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(v));
    }));
    expected.sequence.step_scores.probability.forEach((p: number, k: number) => expect(Math.abs(out.probability[k] - p)).toBeLessThanOrEqual(1e-5));
  }, 480_000);
});
