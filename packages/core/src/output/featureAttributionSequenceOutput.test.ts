import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isInseqError } from "../errors.js";
import { ndarray, type NdArray } from "../ndarray.js";
import { FeatureAttributionOutput } from "./featureAttributionOutput.js";
import { FeatureAttributionSequenceOutput } from "./featureAttributionSequenceOutput.js";
import { stackStepAttributions } from "./stackStepAttributions.js";
import type { TokenWithId } from "./types.js";

const EXPECTED = new URL("../../../../test-data/expected/", import.meta.url);

interface FixtureStep {
  prefix_len: number;
  probability: number;
  source_attributions: number[][] | null;
  target_attributions: number[][] | null;
}
interface FixtureCase {
  id: string;
  source_tokens: string[] | null;
  source_ids: number[] | null;
  target_tokens: string[];
  target_ids: number[];
  attr_pos_start: number;
  attr_pos_end: number;
  steps: FixtureStep[];
  sequence: {
    source_attributions_aggregated: (number | null)[][] | null;
    target_attributions_aggregated: (number | null)[][] | null;
    step_scores: { probability: number[] };
  };
}

function readCases(model: string, method: string): FixtureCase[] {
  return JSON.parse(readFileSync(new URL(`${model}/${method}.json`, EXPECTED), "utf8")).cases;
}

const tokens = (t: string[], ids: number[]): TokenWithId[] => t.map((token, i) => ({ token, id: ids[i] }));
const matrix = (rows: number[][]): NdArray => ndarray(rows.flat(), [rows.length, rows[0].length]);

/** Granular sequence output from a fixture's raw per-step attributions, NaN outside each step's prefix. */
function granularFromCase(c: FixtureCase): FeatureAttributionSequenceOutput {
  const target = tokens(c.target_tokens, c.target_ids);
  const encDec = c.source_tokens !== null && c.steps[0].source_attributions !== null;
  const source = encDec ? tokens(c.source_tokens!, c.source_ids!) : target.slice(0, c.attr_pos_start);
  const hasTarget = c.steps[0].target_attributions !== null;
  return new FeatureAttributionSequenceOutput({
    source,
    target,
    sourceAttributions: encDec ? stackStepAttributions(c.steps.map((s) => matrix(s.source_attributions!)), source.length) : null,
    targetAttributions: hasTarget ? stackStepAttributions(c.steps.map((s) => matrix(s.target_attributions!)), target.length) : null,
    stepScores: { probability: ndarray(c.steps.map((s) => s.probability), [c.steps.length]) },
    sequenceScores: {},
    attrPosStart: c.attr_pos_start,
    attrPosEnd: c.attr_pos_end,
  });
}

/** Largest |got − expected| over a matrix; NaN/null positions must coincide. */
function maxDiff(got: number[][] | null, exp: (number | null)[][] | null): number {
  expect(got === null).toBe(exp === null);
  if (!got || !exp) return 0;
  expect(got.length).toBe(exp.length);
  let worst = 0;
  got.forEach((row, i) => {
    expect(row.length).toBe(exp[i].length);
    row.forEach((v, j) => {
      const e = exp[i][j];
      expect(Number.isNaN(v), `cell [${i}][${j}]`).toBe(e === null);
      if (e !== null) worst = Math.max(worst, Math.abs(v - e));
    });
  });
  return worst;
}

describe("FeatureAttributionSequenceOutput.aggregate reproduces inseq's default aggregation", () => {
  const named: [string, string][] = [
    ["tiny-gpt2", "integrated_gradients"],
    ["tiny-marian", "saliency"],
    ["tiny-marian", "integrated_gradients__attribute_target"],
  ];
  for (const [model, method] of named) {
    for (const c of readCases(model, method)) {
      it(`${model}/${method} ${c.id}`, () => {
        const granular = granularFromCase(c);
        expect(granular.granular).toBe(true);
        const scores = granular.aggregate().getScores();
        expect(maxDiff(scores.sourceAttributions, c.sequence.source_attributions_aggregated)).toBeLessThan(1e-4);
        expect(maxDiff(scores.targetAttributions, c.sequence.target_attributions_aggregated)).toBeLessThan(1e-4);
        expect(scores.stepScores.probability).toEqual(c.sequence.step_scores.probability.map(Math.fround));
      });
    }
  }

  it("every expected fixture of both models (all methods, all cases) within 1e-4", () => {
    let checked = 0;
    let worst = 0;
    for (const model of ["tiny-gpt2", "tiny-marian"]) {
      for (const file of readdirSync(new URL(`${model}/`, EXPECTED)).filter((f) => f.endsWith(".json") && f !== "forward.json")) {
        for (const c of readCases(model, file.replace(/\.json$/, ""))) {
          const agg = granularFromCase(c).aggregate();
          expect(agg.granular).toBe(false);
          const s = agg.getScores();
          worst = Math.max(worst, maxDiff(s.sourceAttributions, c.sequence.source_attributions_aggregated), maxDiff(s.targetAttributions, c.sequence.target_attributions_aggregated));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(50);
    expect(worst).toBeLessThan(1e-4);
  });

  it("aggregating aggregated data again is a no-op, and every column sums to 1", () => {
    const [c] = readCases("tiny-marian", "integrated_gradients__attribute_target");
    const once = granularFromCase(c).aggregate();
    const twice = once.aggregate();
    expect([...twice.sourceAttributions!.data]).toEqual([...once.sourceAttributions!.data]);
    expect([...twice.targetAttributions!.data]).toEqual([...once.targetAttributions!.data]);
    const { sourceAttributions: src, targetAttributions: tgt } = once.getScores();
    for (let k = 0; k < once.nSteps; k++) {
      const col = [...src!.map((r) => r[k]), ...tgt!.map((r) => r[k])].filter((v) => !Number.isNaN(v));
      expect(col.reduce((a, b) => a + Math.abs(b), 0)).toBeCloseTo(1, 6);
    }
    expect(() => once.aggregate({ aggregateFn: "sum" })).toThrow(/already aggregated/);
  });

  it("other aggregation functions and normalize: false", () => {
    const [c] = readCases("tiny-gpt2", "saliency");
    const g = granularFromCase(c);
    const summed = g.aggregate({ aggregateFn: "sum", normalize: false });
    const first = c.steps[0].target_attributions!;
    expect(summed.targetAttributions!.data[0]).toBeCloseTo(first[0].reduce((a, b) => a + b, 0), 5);
    const custom = g.aggregate({ aggregateFn: (v) => v[0], normalize: false });
    expect(custom.targetAttributions!.data[0]).toBe(Math.fround(first[0][0]));
    expect(() => g.aggregate({ aggregateFn: "nope" })).toThrow(/Unknown aggregation function "nope"/);
  });

  it("FeatureAttributionOutput.aggregate aggregates every sequence and keeps info", () => {
    const seqs = readCases("tiny-gpt2", "integrated_gradients").map(granularFromCase);
    const out = new FeatureAttributionOutput({ sequenceAttributions: seqs, info: { modelName: "tiny-gpt2", attributionMethod: "integrated_gradients" } });
    expect(out.length).toBe(2);
    expect(out.stepAttributions).toBeNull();
    expect(out.info.attributeTarget).toBe(false);
    const agg = out.aggregate();
    expect(agg.info).toEqual(out.info);
    expect(agg.sequenceAttributions.every((s) => !s.granular)).toBe(true);
    expect(agg.getScores()[1].generated.map((t) => t.token)).toEqual(["?", "who", "many", "again", "who"]);
    expect([...out].length).toBe(2);
  });
});

describe("FeatureAttributionSequenceOutput validation", () => {
  const target = tokens(["a", "b", "c", "d"], [1, 2, 3, 4]);
  const base = { source: target.slice(0, 2), target, sourceAttributions: null, stepScores: {}, sequenceScores: {}, attrPosStart: 2, attrPosEnd: 4 };
  const expectInvalid = (build: () => unknown, pattern: RegExp) => {
    try {
      build();
      expect.unreachable();
    } catch (e) {
      expect(isInseqError(e, "INVALID_OPTION")).toBe(true);
      expect((e as Error).message).toMatch(pattern);
    }
  };

  it("accepts consistent shapes, granular and aggregated", () => {
    const g = new FeatureAttributionSequenceOutput({ ...base, targetAttributions: ndarray(new Float32Array(4 * 2 * 3), [4, 2, 3]) });
    expect(g.granular).toBe(true);
    expect(g.nSteps).toBe(2);
    const a = new FeatureAttributionSequenceOutput({ ...base, targetAttributions: ndarray(new Float32Array(8), [4, 2]), stepScores: { deltas: ndarray([0, 0, 0, 0], [2, 2]) } });
    expect(a.granular).toBe(false);
    expect(() => a.getScores({ aggregate: false })).not.toThrow();
    expect(() => g.getScores({ aggregate: false })).toThrow(/granular/);
  });

  it("names each mismatch", () => {
    expectInvalid(() => new FeatureAttributionSequenceOutput({ ...base, targetAttributions: ndarray(new Float32Array(3 * 2), [3, 2]) }), /3 rows but target has 4 tokens/);
    expectInvalid(() => new FeatureAttributionSequenceOutput({ ...base, targetAttributions: ndarray(new Float32Array(4 * 3), [4, 3]) }), /3 columns but attrPosEnd − attrPosStart = 4 − 2 = 2/);
    expectInvalid(() => new FeatureAttributionSequenceOutput({ ...base, targetAttributions: null, sourceAttributions: ndarray(new Float32Array(3 * 2), [3, 2]) }), /3 rows but source has 2 tokens/);
    expectInvalid(() => new FeatureAttributionSequenceOutput({ ...base, targetAttributions: null, stepScores: { probability: ndarray([1, 2, 3], [3]) } }), /stepScores.probability has shape \[3\]/);
    expectInvalid(() => new FeatureAttributionSequenceOutput({ ...base, targetAttributions: null, attrPosEnd: 5 }), /attrPosEnd 5/);
    expectInvalid(() => new FeatureAttributionSequenceOutput({ ...base, targetAttributions: { data: new Float32Array(3), shape: [4, 2] } }), /holds 3 values/);
    expectInvalid(
      () => new FeatureAttributionSequenceOutput({ ...base, sourceAttributions: ndarray(new Float32Array(2 * 2 * 3), [2, 2, 3]), targetAttributions: ndarray(new Float32Array(8), [4, 2]) }),
      /both be granular/,
    );
    expectInvalid(() => new FeatureAttributionOutput({ sequenceAttributions: [{ ...base, targetAttributions: ndarray(new Float32Array(3 * 2), [3, 2]) }] }), /sequenceAttributions\[0\]/);
    expectInvalid(() => new FeatureAttributionOutput({ sequenceAttributions: [], info: { execTime: "slow" as unknown as number } }), /execTime must be number/);
  });

  it("stackStepAttributions pads rows outside each step's prefix with NaN", () => {
    const s = stackStepAttributions([ndarray([1, 2], [1, 2]), null, ndarray([3, 4, 5, 6], [2, 2])], 3);
    expect(s.shape).toEqual([3, 3, 2]);
    expect([...s.data]).toEqual([1, 2, NaN, NaN, 3, 4, NaN, NaN, NaN, NaN, 5, 6, NaN, NaN, NaN, NaN, NaN, NaN]);
    expect(() => stackStepAttributions([ndarray([1, 2, 3], [1, 3]), ndarray([1, 2], [1, 2])], 2)).toThrow(/step 1/);
  });
});
