import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PageResult } from "../src/main.js";
import type { SequenceNumbers } from "../src/protocol.js";
import { maxRelativeDifference } from "../src/sequenceNumbers.js";
import { BASE_FLAGS, findChromium, GPU_FLAGS } from "./findChromium.js";
import { FeatureAttributionOutput } from "inseqjs";
import { modelFolder, nodeNumbers, pairedLists, type RunSpec } from "./nodeReference.js";
import { serveStatic } from "./staticServer.js";

// End to end: the built playground in Debian's headless Chromium (WebGL and WebGPU on SwiftShader: correct, slow,
// so shapes stay tiny), driven through its form; the numbers it shows must equal Node's within 1e-4.
const appDir = fileURLToPath(new URL("..", import.meta.url));
const resultsDir = join(appDir, "test-results");
const chromiumPath = findChromium();
const inCi = process.env.CI === "true" || process.env.CI === "1";
if (!chromiumPath && !inCi) {
  const line = "=".repeat(100);
  console.warn(`\n${line}\nSKIPPING the playground browser tests: no Chromium found (install it: apt-get install -y chromium, or set CHROMIUM_PATH).\n${line}\n`);
}

const base = { model: "tiny-gpt2", inputTexts: ["the cat sat on"], generatedTexts: ["the cat sat on ? who many again who"], stepScores: ["probability"] };
const runs: RunSpec[] = [
  { ...base, method: "saliency" },
  { ...base, method: "integrated_gradients" },
];
const folderRun: RunSpec = { model: "tiny-marian", method: "saliency", inputTexts: ["the cat sat on the mat"], generatedTexts: ["le chat est assis sur le tapis"], stepScores: ["probability"] };

// Under CI the browser tests are required: a missing Chromium is a failure, not a skip.
if (!chromiumPath && inCi) {
  it("Chromium is installed (required when CI=true)", () => {
    expect.fail("CI=true but no Chromium was found: .ci/run installs it with apt-get (or set CHROMIUM_PATH).");
  });
}

describe.skipIf(!chromiumPath)("playground in Chromium", () => {
  let context: BrowserContext | undefined;
  let page: Page;
  let server: Awaited<ReturnType<typeof serveStatic>> | undefined;
  let profile = "";
  const reference = new Map<string, SequenceNumbers[]>();
  const worst: Record<string, number> = {};

  beforeAll(async () => {
    await build({ root: appDir, configFile: join(appDir, "vite.config.ts"), logLevel: "error" });
    for (const spec of [...runs, folderRun]) reference.set(`${spec.model}/${spec.method}`, await nodeNumbers(spec, "cpu"));
    server = await serveStatic(join(appDir, "dist"));
    mkdirSync(resultsDir, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), "inseqjs-chromium-"));
    context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath!, headless: true, args: [...BASE_FLAGS, ...GPU_FLAGS], viewport: { width: 1200, height: 900 } });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (e) => console.error(`[page error] ${e.message}`));
  }, 120_000);

  afterAll(async () => {
    if (Object.keys(worst).length) console.log(`largest relative difference to Node (cpu): ${Object.entries(worst).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(", ")}`);
    await context?.close();
    await server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** Opens the page with `query`, fills the form for `spec` and runs it; resolves to the result the page exposes. */
  async function runInPage(spec: RunSpec, backend: string, options = "{}", reload = true): Promise<PageResult> {
    if (reload) {
      await page.goto(`${server!.url}?model=${spec.model}&backend=${backend}`);
      await page.waitForFunction(() => window.__ready === true, null, { timeout: 60_000 });
    }
    const previous = await page.evaluate(() => window.__result?.runId ?? 0);
    await page.selectOption("#backend", backend);
    await page.selectOption("#method", spec.method);
    await page.fill("#methodOptions", options);
    await page.fill("#inputTexts", spec.inputTexts.join("\n"));
    await page.fill("#generatedTexts", spec.generatedTexts.join("\n"));
    await page.click("#run");
    await page.waitForFunction((id) => (window.__result?.runId ?? 0) > id, previous, { timeout: 150_000 });
    return page.evaluate(() => window.__result!);
  }

  function expectNodeNumbers(result: PageResult, method: string, model = "tiny-gpt2"): void {
    expect(result.state, result.message).toBe("done");
    const lists = pairedLists(reference.get(`${model}/${method}`)!, result.sequences!);
    expect(lists.length).toBe(3);
    for (const [name, node, browser] of lists) {
      const diff = maxRelativeDifference(browser, node);
      const key = `${result.backend}/${method}`;
      worst[key] = Math.max(worst[key] ?? 0, diff);
      expect(diff, `${method} ${name}`).toBeLessThanOrEqual(1e-4);
    }
    expect(result.tensors!.after, "tensors left in the worker").toBe(result.tensors!.baseline);
  }

  it("webgl: saliency and integrated_gradients equal Node's numbers", async () => {
    let reload = true;
    for (const spec of runs) {
      const result = await runInPage(spec, "webgl", "{}", reload);
      reload = false;
      expect(result.backend).toBe("webgl");
      expectNodeNumbers(result, spec.method);
      await page.screenshot({ path: join(resultsDir, `webgl-${spec.method}.png`), fullPage: true });
    }
  }, 150_000);

  it("auto picks webgpu (SwiftShader adapter), says why, and matches Node", async () => {
    let reload = true;
    for (const spec of runs) {
      const result = await runInPage(spec, "auto", "{}", reload);
      reload = false;
      expect(result.backend).toBe("webgpu");
      if (spec === runs[0]) expect(result.reason).toMatch(/^first available in the browser fallback chain \(webgpu → webgl → wasm → cpu\); GPU adapter: .*swiftshader/i);
      else expect(result.reason).toMatch(/^already active; GPU adapter/);
      expectNodeNumbers(result, spec.method);
      const shot = join(resultsDir, `webgpu-${spec.method}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      if (process.env.UPDATE_DOCS_SCREENSHOT === "1" && spec.method === "integrated_gradients") copyFileSync(shot, join(appDir, "../../docs/playground.png"));
    }
    expect(await page.textContent("#backendInfo")).toMatch(/^backend: webgpu — /);
  }, 150_000);

  it("cancel mid-run stops at the next step and leaves no tensors behind", async () => {
    await page.goto(`${server!.url}?model=tiny-gpt2&backend=wasm`);
    await page.waitForFunction(() => window.__ready === true, null, { timeout: 60_000 });
    await page.selectOption("#method", "integrated_gradients");
    await page.fill("#methodOptions", JSON.stringify({ nSteps: 600, internalBatchSize: 2 }));
    await page.click("#run");
    await page.waitForFunction(() => Number((document.getElementById("progress") as HTMLProgressElement).value) >= 1, null, { timeout: 60_000 });
    await page.click("#cancel");
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 60_000 });
    const result = await page.evaluate(() => window.__result!);
    expect(result.state).toBe("cancelled");
    expect(result.progressEvents).toBeGreaterThanOrEqual(1);
    expect(result.progressEvents).toBeLessThan(5); // 5 generated tokens: it stopped early
    expect(result.tensors!.baseline).toBeGreaterThan(0); // the model's weights
    expect(result.tensors!.after).toBe(result.tensors!.baseline);
    expect(await page.textContent("#tensorInfo")).toMatch(/no leak/);
    // the worker is still usable after a cancel
    const again = await runInPage(runs[0], "wasm", "{}", false);
    expect(again.state).toBe("done");
    expect(again.tensors!.after).toBe(again.tensors!.baseline);
  }, 120_000);

  it("a local folder picked by the user runs through memory files, and the JSON download is inseq's format", async () => {
    await page.goto(`${server!.url}?backend=wasm`);
    await page.waitForFunction(() => window.__ready === true, null, { timeout: 60_000 });
    await page.check('input[name="modelKind"][value="folder"]');
    await page.setInputFiles("#folder", modelFolder("tiny-marian"));
    const result = await runInPage(folderRun, "wasm", "{}", false);
    expect(result.backend).toBe("wasm");
    expectNodeNumbers(result, "saliency", "tiny-marian");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#downloadJson")]);
    expect(download.suggestedFilename()).toMatch(/^saliency-.*\.json$/);
    const saved = await FeatureAttributionOutput.load(new Uint8Array(readFileSync((await download.path())!)));
    expect(saved.info.attributionMethod).toBe("saliency");
    expect(Array.from(saved.sequenceAttributions[0].sourceAttributions!.data, (v) => (Number.isFinite(v) ? v : null))).toEqual(result.sequences![0].rawSource!.data);
    const [html] = await Promise.all([page.waitForEvent("download"), page.click("#downloadHtml")]);
    expect(readFileSync((await html.path())!, "utf8")).toMatch(/^<!DOCTYPE html>[\s\S]*saliency — tiny-marian \(wasm\)/);
  }, 90_000);
});
