import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ndarray, type NdArray } from "../ndarray.js";
import { FeatureAttributionOutput } from "../output/featureAttributionOutput.js";
import { FeatureAttributionSequenceOutput } from "../output/featureAttributionSequenceOutput.js";
import { load } from "./load.js";
import { loadFromFile } from "./loadFromFile.js";
import { save, saveBytes } from "./save.js";
import { saveToFile } from "./saveToFile.js";

const DATA = new URL("../../../../test-data/", import.meta.url);
const FORMAT_DIR = fileURLToPath(new URL("inseq_format/", DATA));
const FILES = readdirSync(FORMAT_DIR).filter((f) => f.endsWith(".json") || f.endsWith(".json.gz")).filter((f) => f !== "MANIFEST.json");
const text = (file: string): string => {
  const bytes = readFileSync(join(FORMAT_DIR, file));
  return (file.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
};
const bits = (a: NdArray | null): number[] | null => (a ? [...new Uint32Array(a.data.buffer, a.data.byteOffset, a.data.length)] : null);

/** Every key path of a JSON tree (array items by index), to compare structures. */
function keyPaths(v: unknown, path = "$", out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x, i) => keyPaths(x, `${path}[${i}]`, out));
  else if (typeof v === "object" && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      out.push(`${path}.${k}`);
      keyPaths(x, `${path}.${k}`, out);
    }
  }
  return out;
}

describe("load: files written by Python inseq", () => {
  it("finds the fixture files", () => {
    expect(FILES).toEqual(expect.arrayContaining(["tiny-gpt2_integrated_gradients.json", "tiny-gpt2_integrated_gradients.json.gz", "tiny-marian_saliency.json"]));
    expect(FILES.length).toBe(6);
  });

  for (const file of FILES) {
    it(`reads ${file} (path, bytes and text), and save() writes the same file back byte for byte`, async () => {
      const fromPath = await loadFromFile(join(FORMAT_DIR, file));
      const fromBytes = await load(readFileSync(join(FORMAT_DIR, file)));
      const fromText = await load(text(file));
      for (const out of [fromBytes, fromText]) {
        expect(out.sequenceAttributions.length).toBe(fromPath.sequenceAttributions.length);
        expect(bits(out.sequenceAttributions[0].targetAttributions)).toEqual(bits(fromPath.sequenceAttributions[0].targetAttributions));
        expect(bits(out.sequenceAttributions[0].sourceAttributions)).toEqual(bits(fromPath.sequenceAttributions[0].sourceAttributions));
      }
      expect(fromPath.stepAttributions).toBeNull();
      expect(fromPath.sequenceAttributions[0].granular).toBe(true);
      const original = text(file);
      const again = save(fromPath);
      expect(keyPaths(JSON.parse(again))).toEqual(keyPaths(JSON.parse(original)));
      expect(again).toBe(original);
      expect(save(fromPath, { ndarrayCompact: false })).toBe(original);
    });
  }

  it("tiny-gpt2 integrated_gradients: raw tensors equal the reference steps (greedy case)", async () => {
    const out = await loadFromFile(join(FORMAT_DIR, "tiny-gpt2_integrated_gradients.json"));
    const expected = JSON.parse(readFileSync(new URL("expected/tiny-gpt2/integrated_gradients.json", DATA), "utf8"));
    const c = expected.cases.find((x: { id: string }) => x.id === "greedy");
    const seq = out.sequenceAttributions[0];
    expect(seq.target.map((t) => t.token)).toEqual(c.target_tokens);
    expect(seq.target.map((t) => t.id)).toEqual(c.target_ids);
    expect(seq.source!.map((t) => t.token)).toEqual(c.target_tokens.slice(0, c.attr_pos_start));
    expect([seq.attrPosStart, seq.attrPosEnd]).toEqual([c.attr_pos_start, c.attr_pos_end]);
    expect(seq.sourceAttributions).toBeNull();
    const t = seq.targetAttributions!;
    const [rows, nSteps, hidden] = t.shape;
    expect(t.shape).toEqual([c.target_tokens.length, c.steps.length, 32]);
    let worst = 0;
    c.steps.forEach((step: { prefix_len: number; target_attributions: number[][] }, k: number) => {
      for (let r = 0; r < rows; r++) {
        for (let h = 0; h < hidden; h++) {
          const v = t.data[(r * nSteps + k) * hidden + h];
          if (r < step.prefix_len) worst = Math.max(worst, Math.abs(v - step.target_attributions[r][h]));
          else expect(Number.isNaN(v)).toBe(true);
        }
      }
    });
    expect(worst).toBeLessThan(1e-6);
    // inseq's own run: probabilities agree with the reference within the step-probability tolerance
    seq.stepScores.probability.data.forEach((p, k) => expect(Math.abs(p - c.sequence.step_scores.probability[k])).toBeLessThan(1e-5));
    const deltas = [...seq.stepScores.deltas.data];
    deltas.forEach((d, k) => expect(Math.abs(d - c.sequence.deltas[k][0])).toBeLessThan(1e-6));
    expect(out.info).toMatchObject({ modelClass: "GPT2LMHeadModel", attributionMethod: "integrated_gradients", stepScores: ["probability"], attrPosStart: 4, attrPosEnd: 9, tokenizerName: null, attributionArgs: { return_convergence_delta: true } });
    expect(out.info.execTime).toBeGreaterThan(0);
    // and the default aggregation of the loaded file gives inseq's aggregated matrix
    const agg = out.aggregate().getScores()[0].targetAttributions!;
    agg.forEach((row, i) => row.forEach((v, j) => {
      const e = c.sequence.target_attributions_aggregated[i][j];
      if (e === null) expect(Number.isNaN(v)).toBe(true);
      else expect(Math.abs(v - e)).toBeLessThan(1e-4);
    }));
  });

  it("tiny-marian saliency: encoder-decoder layout", async () => {
    const out = await loadFromFile(join(FORMAT_DIR, "tiny-marian_saliency.json"));
    const seq = out.sequenceAttributions[0];
    expect(seq.source!.map((t) => t.token)).toEqual(["my", "old", "house", "has", "a", "green", "door", "</s>"]);
    expect(seq.target.map((t) => t.token)).toEqual(["<pad>", "can", "house", "?", "?", "us", "</s>"]);
    expect(seq.sourceAttributions!.shape).toEqual([8, 6, 32]);
    expect(seq.targetAttributions).toBeNull();
    expect(Object.keys(seq.stepScores)).toEqual(["probability"]);
    expect(out.info.modelClass).toBe("MarianMTModel");
  });
});

describe("save / load round trip of our own outputs", () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const values = (n: number, nanEvery = 0) => Float32Array.from({ length: n }, (_, i) => (nanEvery && i % nanEvery === 0 ? NaN : rand() * 10 ** Math.floor(rand() * 8)));
  const tok = (words: string[]) => words.map((token, i) => ({ token, id: i + 3 }));

  function encoderDecoderOutput(): FeatureAttributionOutput {
    const source = tok(["Ünïcode", "\"quoted\"", "😀", "</s>"]);
    const target = tok(["<pad>", "a", "b", "</s>"]);
    return new FeatureAttributionOutput({
      sequenceAttributions: [
        new FeatureAttributionSequenceOutput({
          source,
          target,
          sourceAttributions: ndarray(values(4 * 3 * 5), [4, 3, 5]),
          targetAttributions: ndarray(values(4 * 3 * 5, 7), [4, 3, 5]),
          stepScores: { probability: ndarray(values(3), [3]), deltas: ndarray(values(6), [3, 2]) },
          sequenceScores: { extra: ndarray(values(4 * 3), [4, 3]) },
          attrPosStart: 1,
          attrPosEnd: 4,
        }),
      ],
      info: { modelName: "x/y", attributionMethod: "integrated_gradients", attributionArgs: { n_steps: 50, method: "gausslegendre" }, execTime: 3, inputTexts: ["Ünïcode"], customField: { nested: [1, 2] } },
    });
  }

  function expectSameOutput(a: FeatureAttributionOutput, b: FeatureAttributionOutput): void {
    expect(b.info).toEqual(a.info);
    expect(b.sequenceAttributions.length).toBe(a.sequenceAttributions.length);
    a.sequenceAttributions.forEach((s, i) => {
      const t = b.sequenceAttributions[i];
      expect(t.source).toEqual(s.source);
      expect(t.target).toEqual(s.target);
      expect([t.attrPosStart, t.attrPosEnd, t.granular]).toEqual([s.attrPosStart, s.attrPosEnd, s.granular]);
      expect(bits(t.sourceAttributions)).toEqual(bits(s.sourceAttributions));
      expect(bits(t.targetAttributions)).toEqual(bits(s.targetAttributions));
      for (const k of ["stepScores", "sequenceScores"] as const) {
        expect(Object.keys(t[k]).sort()).toEqual(Object.keys(s[k]).sort());
        for (const name of Object.keys(s[k])) {
          expect(t[k][name].shape).toEqual(s[k][name].shape);
          expect(bits(t[k][name])).toEqual(bits(s[k][name]));
        }
      }
    });
  }

  it("is exact at float32 (granular and aggregated, text and gzip bytes)", async () => {
    const out = encoderDecoderOutput();
    expectSameOutput(out, await load(save(out)));
    expectSameOutput(out, await load(await saveBytes(out, { compress: true })));
    const agg = out.aggregate();
    const text = save(agg);
    expect(JSON.parse(text.replace(/NaN/g, "null")).attributes.sequence_attributions[0].__instance_type__).toEqual(["inseq.data.attribution", "FeatureAttributionSequenceOutput"]);
    expect(JSON.parse(save(out)).attributes.sequence_attributions[0].__instance_type__[1]).toBe("GranularFeatureAttributionSequenceOutput");
    const back = await load(text);
    expect(back.sequenceAttributions[0].granular).toBe(false);
    expectSameOutput(agg, back);
    expect(text).toMatch(/"exec_time": 3\.0,/);
    expect(text).toMatch(/"customField": {\n/);
    expect(text).not.toMatch(/[^\x20-\x7e\n]/);
  });

  it("saveToFile / loadFromFile, gzip by option or .gz path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "inseqjs-io-"));
    const out = encoderDecoderOutput();
    await saveToFile(out, join(dir, "a.json"));
    await saveToFile(out, join(dir, "a.json.gz"));
    await saveToFile(out, join(dir, "b.json"), { compress: true });
    expect(readFileSync(join(dir, "a.json"), "utf8")).toBe(save(out));
    for (const f of ["a.json.gz", "b.json"]) {
      const bytes = readFileSync(join(dir, f));
      expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
      expect(gunzipSync(bytes).toString("utf8")).toBe(save(out));
    }
    for (const f of ["a.json", "a.json.gz", "b.json"]) expectSameOutput(out, await loadFromFile(join(dir, f)));
    await expect(saveToFile(out, join(dir, "a.json"), { overwrite: false })).rejects.toMatchObject({ code: "INVALID_OPTION" });
    await expect(saveToFile(out, join(dir, "missing", "a.json"))).rejects.toMatchObject({ code: "MISSING_FILE" });
    await expect(loadFromFile(join(dir, "nope.json"))).rejects.toMatchObject({ code: "MISSING_FILE" });
    writeFileSync(join(dir, "bad.json.gz"), Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
    await expect(loadFromFile(join(dir, "bad.json.gz"))).rejects.toMatchObject({ code: "MALFORMED_FILE" });
  });

  it("scoresPrecision float16 / float8: smaller files; float16 within 1e-3 relative, float8 within 1e-1 of each array's range", async () => {
    const out = encoderDecoderOutput();
    const f16 = save(out, { scoresPrecision: "float16" });
    const f8 = save(out, { scoresPrecision: "float8" });
    // sizes, on arrays large enough for the 8-bit blob's metadata not to matter
    const big = new FeatureAttributionOutput({
      sequenceAttributions: [{ ...out.sequenceAttributions[0], sourceAttributions: ndarray(values(4 * 3 * 1024), [4, 3, 1024]), targetAttributions: null }],
    });
    const sizes = (["float32", "float16", "float8"] as const).map((p) => save(big, { scoresPrecision: p }).length);
    expect(sizes[1]).toBeLessThan(sizes[0] * 0.6);
    expect(sizes[2]).toBeLessThan(sizes[1] * 0.6);
    const [a, b16, b8] = [out, await load(f16), await load(f8)].map((o) => o.sequenceAttributions[0]);
    expectSameOutput(out, await load(save(out, { scoresPrecision: "float32" })));
    const sorted = (r: Readonly<Record<string, NdArray>>): NdArray[] => Object.keys(r).sort().map((k) => r[k]);
    const arrays = (s: typeof a): NdArray[] => [s.sourceAttributions!, s.targetAttributions!, ...sorted(s.stepScores), ...sorted(s.sequenceScores)];
    const [orig, half, eight] = [a, b16, b8].map(arrays);
    orig.forEach((x, k) => {
      expect(half[k].shape).toEqual(x.shape);
      expect(eight[k].shape).toEqual(x.shape);
      const finite = [...x.data].filter(Number.isFinite);
      const range = Math.max(...finite) - Math.min(...finite);
      const maxAbs = Math.max(...finite.map(Math.abs));
      x.data.forEach((v, i) => {
        if (Number.isNaN(v)) {
          expect(Number.isNaN(half[k].data[i]) && Number.isNaN(eight[k].data[i])).toBe(true);
          return;
        }
        // float16: relative 1e-3 (2^-11 in its normal range; values here are within ±65504)
        if (Math.abs(v) < 65504) expect(Math.abs(v - half[k].data[i])).toBeLessThanOrEqual(Math.abs(v) * 1e-3 + 1e-7);
        // float8 (8-bit codes): the brief's 1e-1 of the array's scale, and in fact half a step of its range
        expect(Math.abs(v - eight[k].data[i])).toBeLessThanOrEqual(maxAbs * 1e-1);
        expect(Math.abs(v - eight[k].data[i])).toBeLessThanOrEqual((range / 508) * (1 + 1e-5));
      });
    });
    expect(() => save(out, { scoresPrecision: "float64" as "float32" })).toThrow(/scoresPrecision/);
  });
});
