import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { isInseqError } from "../errors.js";
import { ndarray } from "../ndarray.js";
import { FeatureAttributionOutput } from "../output/featureAttributionOutput.js";
import { load } from "./load.js";
import { loadFromFile } from "./loadFromFile.js";
import { save } from "./save.js";
import { saveToFile } from "./saveToFile.js";
import { splitSequencePath } from "./splitSequences.js";

const FIXTURE = new URL("../../../../test-data/inseq_format/tiny-marian_saliency.json", import.meta.url);

/** Two decoder-only sequences of different lengths. */
function twoSequences(): FeatureAttributionOutput {
  const seq = (words: string[], start: number, fill: number) => {
    const n = words.length - start;
    const data = new Float32Array(words.length * n).map((_, i) => (Math.floor(i / n) < start + (i % n) ? fill + i : NaN));
    return {
      source: words.slice(0, start).map((token, id) => ({ token, id })),
      target: words.map((token, id) => ({ token, id })),
      sourceAttributions: null,
      targetAttributions: ndarray(data, [words.length, n]),
      stepScores: { probability: ndarray(new Float32Array(n).fill(0.5), [n]) },
      sequenceScores: {},
      attrPosStart: start,
      attrPosEnd: words.length,
    };
  };
  return new FeatureAttributionOutput({
    sequenceAttributions: [seq(["a", "b", "c", "d"], 2, 1), seq(["x", "y", "z"], 1, 100)],
    info: { modelName: "m", attributionMethod: "saliency", inputTexts: ["a b", "x"], generatedTexts: ["a b c d", "x y z"] },
  });
}

const tmp = (): string => mkdtempSync(join(tmpdir(), "inseqjs-save-"));

describe("saveToFile options (inseq's save signature)", () => {
  it("splitSequences names files as inseq does", () => {
    expect(splitSequencePath("out.json", 0, false)).toBe("out_0.json");
    expect(splitSequencePath("dir/out.json", 1, true)).toBe("dir/out_1.json.gz");
    expect(splitSequencePath("out.json.gz", 2, true)).toBe("out_2.json.gz");
    expect(splitSequencePath("out", 3, false)).toBe("out_3.json");
  });

  it("splitSequences writes one loadable file per sequence with its own texts", async () => {
    const dir = tmp();
    const out = twoSequences();
    const paths = await saveToFile(out, join(dir, "out.json"), { splitSequences: true });
    expect(paths).toEqual([join(dir, "out_0.json"), join(dir, "out_1.json")]);
    expect(readdirSync(dir).sort()).toEqual(["out_0.json", "out_1.json"]);
    for (const [i, p] of paths.entries()) {
      const back = await loadFromFile(p);
      expect(back.length).toBe(1);
      expect(back.info.inputTexts).toEqual([out.info.inputTexts[i]]);
      expect(back.info.generatedTexts).toEqual([out.info.generatedTexts[i]]);
      expect(back.info.modelName).toBe("m");
      const [a, b] = [out.sequenceAttributions[i], back.sequenceAttributions[0]];
      expect(b.target).toEqual(a.target);
      expect(Object.is(b.targetAttributions!.data[0], a.targetAttributions!.data[0])).toBe(true);
      expect([...b.targetAttributions!.data].map(String)).toEqual([...a.targetAttributions!.data].map(String));
    }
    const gz = await saveToFile(out, join(dir, "z.json.gz"), { splitSequences: true, scoresPrecision: "float16" });
    expect(gz).toEqual([join(dir, "z_0.json.gz"), join(dir, "z_1.json.gz")]);
    expect(gunzipSync(readFileSync(gz[1])).toString("utf8")).toBe(save((await loadFromFile(gz[1])), { scoresPrecision: "float16" }));
  });

  it("overwrite: false checks every target before writing anything", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "out_1.json"), "keep");
    const err = await saveToFile(twoSequences(), join(dir, "out.json"), { splitSequences: true, overwrite: false }).catch((e: unknown) => e);
    expect(isInseqError(err, "INVALID_OPTION")).toBe(true);
    expect((err as Error).message).toContain("out_1.json already exists");
    expect(existsSync(join(dir, "out_0.json"))).toBe(false);
    expect(readFileSync(join(dir, "out_1.json"), "utf8")).toBe("keep");
  });

  it("usePrimitives drops the class wrappers; loading such a file says why it cannot", async () => {
    const original = await load(readFileSync(FIXTURE, "utf8"));
    const text = save(original, { usePrimitives: true });
    expect(text).not.toContain("__instance_type__");
    const tree = JSON.parse(text.replace(/NaN/g, "null"));
    expect(tree.sequence_attributions[0].source[0]).toEqual({ id: original.sequenceAttributions[0].source![0].id, token: "my" });
    expect(tree.info.model_class).toBe("MarianMTModel");
    expect(typeof tree.sequence_attributions[0].source_attributions).toBe("string");
    await expect(load(text)).rejects.toMatchObject({ code: "MALFORMED_FILE", message: expect.stringMatching(/usePrimitives/) });
  });

  it("FeatureAttributionOutput.save / FeatureAttributionOutput.load (path, text, bytes)", async () => {
    const dir = tmp();
    const out = twoSequences();
    expect(await out.save(join(dir, "o.json.gz"))).toEqual([join(dir, "o.json.gz")]);
    const text = save(out);
    for (const input of [join(dir, "o.json.gz"), text, `  \n${text}`, new TextEncoder().encode(text), readFileSync(join(dir, "o.json.gz"))]) {
      const back = await FeatureAttributionOutput.load(input);
      expect(back).toBeInstanceOf(FeatureAttributionOutput);
      expect(save(back)).toBe(text);
    }
    await expect(FeatureAttributionOutput.load(join(dir, "missing.json"))).rejects.toMatchObject({ code: "MISSING_FILE" });
  });
});
