import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { FeatureAttributionOutput, getAttributionRenderer, loadModel } from "../src/index.js";
import { modelPath } from "./fixtures.js";

describe("inseqjs umbrella: out.show() and out.save() just work", () => {
  it("importing inseqjs registers the viz renderer; show prints the heatmap; save / load round-trips", async () => {
    expect(getAttributionRenderer()).not.toBeNull();
    const model = await loadModel(modelPath("tiny-gpt2"), "saliency", { backend: "cpu" });
    try {
      const out = await model.attribute("the cat sat on", { generatedTexts: "the cat sat on ? who", stepScores: ["probability"] });
      const writes: string[] = [];
      const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => (writes.push(String(chunk)), true));
      const text = out.show({ color: false });
      spy.mockRestore();
      expect(writes).toEqual([text]);
      expect(text).toContain("saliency");
      expect(text).toContain("probability");
      expect(text).toMatch(/who/);
      const path = join(mkdtempSync(join(tmpdir(), "inseqjs-show-")), "out.json");
      await out.save(path);
      const back = await FeatureAttributionOutput.load(path);
      expect(back.show({ color: false, display: false })).toBe(out.show({ color: false, display: false }));
    } finally {
      model.dispose();
    }
  });
});
