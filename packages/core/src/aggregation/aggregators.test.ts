import { describe, expect, it } from "vitest";
import { isInseqError } from "../errors.js";
import { ndarray } from "../ndarray.js";
import { FeatureAttributionOutput } from "../output/featureAttributionOutput.js";
import { FeatureAttributionSequenceOutput } from "../output/featureAttributionSequenceOutput.js";
import { mergeAttributions } from "../output/mergeAttributions.js";
import type { SequenceAttributionData, TokenWithId } from "../output/types.js";
import { listAggregators, registerAggregator } from "./aggregatorRegistry.js";
import { subwordSpans, detectSubwordMarkers } from "./subwordSpans.js";

const N = NaN;
const toks = (...t: string[]): TokenWithId[] => t.map((token, i) => ({ token, id: 10 + i }));
const nested = (a: { data: Float32Array; shape: readonly number[] } | null) =>
  a && Array.from({ length: a.shape[0] }, (_, i) => [...a.data.subarray(i * a.shape[1], (i + 1) * a.shape[1])]);

/** Matrices equal within float32 precision, NaN positions equal. */
function expectMatrix(got: number[][] | null, want: number[][]): void {
  expect(got).not.toBeNull();
  expect(got!.length).toBe(want.length);
  got!.forEach((row, i) =>
    row.forEach((v, j) => {
      if (Number.isNaN(want[i][j])) expect(Number.isNaN(v), `[${i}][${j}] = ${v}`).toBe(true);
      else expect(v, `[${i}][${j}]`).toBeCloseTo(want[i][j], 6);
    }),
  );
}

/** Decoder-only, aggregated: 6 target tokens, prompt = 3, steps explain tokens 3, 4, 5. */
function decoderOnly(offset = 0, token4 = "a4"): FeatureAttributionSequenceOutput {
  const target = toks("a0", "a1", "a2", "a3", token4, "a5");
  const rows = [
    [0.1, 0.2, -0.3],
    [0.4, -0.5, 0.1],
    [0.5, 0.1, 0.2],
    [N, 0.2, -0.1],
    [N, N, 0.3],
    [N, N, N],
  ];
  return new FeatureAttributionSequenceOutput({
    source: target.slice(0, 3),
    target,
    sourceAttributions: null,
    targetAttributions: ndarray(rows.flat().map((v) => v + offset), [6, 3]),
    stepScores: { probability: ndarray([0.5, 0.4, 0.2], [3]), entropy: ndarray([1, 2, 3], [3]), logit: ndarray([1, -4, 2], [3]) },
    sequenceScores: {},
    attrPosStart: 3,
    attrPosEnd: 6,
  });
}

/** Encoder-decoder with SentencePiece tokens, aggregated source attributions (4 × 4 steps). */
function encoderDecoder(): FeatureAttributionSequenceOutput {
  return new FeatureAttributionSequenceOutput({
    source: toks("▁Hel", "lo", "▁world", "</s>"),
    target: toks("<pad>", "▁Hal", "lo", "▁Welt", "</s>"),
    sourceAttributions: ndarray([0.1, 0.2, 0.3, 0.4, -0.3, 0.1, 0.5, -0.6, 0.2, 0.2, -0.1, 0.1, 0.4, 0.5, 0.1, 0.1], [4, 4]),
    targetAttributions: null,
    stepScores: { probability: ndarray([0.5, 0.5, 0.8, 0.9], [4]) },
    sequenceScores: {},
    attrPosStart: 1,
    attrPosEnd: 5,
  });
}

/** Decoder-only, granular (dim 2): 3 tokens, steps explain tokens 1 and 2. */
function granular(): FeatureAttributionSequenceOutput {
  return new FeatureAttributionSequenceOutput({
    source: toks("g0"),
    target: toks("g0", "g1", "g2"),
    sourceAttributions: null,
    targetAttributions: ndarray([3, 4, 0, 1, N, N, 6, 8, N, N, N, N], [3, 2, 2]),
    stepScores: { probability: ndarray([0.5, 0.2], [2]) },
    sequenceScores: {},
    attrPosStart: 1,
    attrPosEnd: 3,
  });
}

function expectError(fn: () => unknown, code: string, pattern: RegExp): void {
  try {
    fn();
    expect.unreachable();
  } catch (e) {
    expect(isInseqError(e, code as never), String(e)).toBe(true);
    expect((e as Error).message).toMatch(pattern);
  }
}

describe("scores aggregator", () => {
  it("vnorm + L1 normalisation by default, rescale, no normalisation, other functions", () => {
    const g = granular();
    expectMatrix(nested(g.aggregate().targetAttributions), [[1, 1 / 11], [N, 10 / 11], [N, N]]);
    expectMatrix(nested(g.aggregate("scores").targetAttributions), [[1, 1 / 11], [N, 10 / 11], [N, N]]);
    expectMatrix(nested(g.aggregate("scores", { rescale: true }).targetAttributions), [[1, 0.1], [N, 1], [N, N]]);
    expectMatrix(nested(g.aggregate({ normalize: false }).targetAttributions), [[5, 1], [N, 10], [N, N]]);
    expectMatrix(nested(g.aggregate("scores", { aggregateFn: "sum", normalize: false }).targetAttributions), [[7, 1], [N, 14], [N, N]]);
    expectMatrix(nested(g.aggregate("sum").targetAttributions), [[1, 1 / 15], [N, 14 / 15], [N, N]]);
    expectError(() => g.aggregate("scores", { normalize: true, rescale: true }), "INVALID_OPTION", /Only one of normalize and rescale/);
  });

  it("the default aggregation applied twice changes nothing and never throws", () => {
    const once = granular().aggregate();
    const twice = once.aggregate();
    expect([...twice.targetAttributions!.data]).toEqual([...once.targetAttributions!.data]);
    expect(() => twice.aggregate().aggregate()).not.toThrow();
  });
});

describe("spans aggregator", () => {
  it("merges prompt and generated spans with absmax, step scores by inseq's rules", () => {
    const out = decoderOnly().aggregate("spans", { targetSpans: [[1, 3], [3, 5]] });
    expect(out.target.map((t) => [t.token, t.id])).toEqual([["a0", 10], ["a1a2", -1], ["a3a4", -1], ["a5", 15]]);
    expect([out.attrPosStart, out.attrPosEnd]).toEqual([2, 4]);
    expectMatrix(nested(out.targetAttributions), [[0.2, -0.3], [-0.5, 0.2], [N, 0.3], [N, N]]);
    expect([...out.stepScores.probability.data].map((v) => +v.toFixed(6))).toEqual([0.2, 0.2]); // prod
    expect([...out.stepScores.entropy.data]).toEqual([3, 3]); // sum
    expect([...out.stepScores.logit.data]).toEqual([-4, 2]); // absmax (no rule)
    const summed = decoderOnly().aggregate("spans", { targetSpans: [3, 5], aggregateFn: "sum" });
    expect([...summed.stepScores.probability.data].map((v) => +v.toFixed(6))).toEqual([0.9, 0.2]);
    expectMatrix(nested(summed.targetAttributions), [[0.3, -0.3], [-0.1, 0.1], [0.6, 0.2], [N, 0.2], [N, N]]);
  });

  it("a span across the first generated position, snake_case options", () => {
    const out = decoderOnly().aggregate("spans", { target_spans: [[2, 4]] });
    // rows 2..3 merged; columns: span [2, 4) → relative [0, 1): one column, unchanged
    expect(out.target.map((t) => t.token)).toEqual(["a0", "a1", "a2a3", "a4", "a5"]);
    expect([out.attrPosStart, out.attrPosEnd]).toEqual([2, 5]);
    expectMatrix(nested(out.targetAttributions), [[0.1, 0.2, -0.3], [0.4, -0.5, 0.1], [N, 0.2, 0.2], [N, N, 0.3], [N, N, N]]);
  });

  it("encoder-decoder source spans and generated columns", () => {
    const out = encoderDecoder().aggregate("spans", { sourceSpans: [0, 2], targetSpans: [[1, 3]] });
    expect(out.source!.map((t) => t.token)).toEqual(["▁Hello", "▁world", "</s>"]);
    expect(out.target.map((t) => t.token)).toEqual(["<pad>", "▁Hallo", "▁Welt", "</s>"]);
    expectMatrix(nested(out.sourceAttributions), [[-0.3, 0.5, -0.6], [0.2, -0.1, 0.1], [0.5, 0.1, 0.1]]);
    expect([...out.stepScores.probability.data].map((v) => +v.toFixed(6))).toEqual([0.25, 0.8, 0.9]);
  });

  it("rejects malformed spans", () => {
    const seq = decoderOnly();
    expectError(() => seq.aggregate("spans", { targetSpans: [[2, 3]] }), "INVALID_OPTION", /at least 2 token/);
    expectError(() => seq.aggregate("spans", { targetSpans: [[2, 4], [3, 5]] }), "INVALID_OPTION", /overlaps/);
    expectError(() => seq.aggregate("spans", { targetSpans: [[4, 7]] }), "INVALID_OPTION", /ends after the sequence of 6/);
    expectError(() => seq.aggregate("spans", { targetSpans: "1-2" as never }), "INVALID_OPTION", /must be a \[start, end\] span/);
  });
});

describe("subwords aggregator", () => {
  it("detects SentencePiece markers and merges like spans", () => {
    const out = encoderDecoder().aggregate("subwords");
    expect(out.source!.map((t) => t.token)).toEqual(["▁Hello", "▁world", "</s>"]);
    expect(out.target.map((t) => t.token)).toEqual(["<pad>", "▁Hallo", "▁Welt", "</s>"]);
    expectMatrix(nested(out.sourceAttributions), [[-0.3, 0.5, -0.6], [0.2, -0.1, 0.1], [0.5, 0.1, 0.1]]);
    const sourceOnly = encoderDecoder().aggregate("subwords", { aggregateTarget: false });
    expect(sourceOnly.target.length).toBe(5);
    expect(sourceOnly.source!.length).toBe(3);
  });

  it("GPT-2 Ġ/Ċ, WordPiece ## and word-level vocabularies", () => {
    const gpt2 = toks("Hel", "lo", "Ġworld", "Ċ", "Ġfoo", "bar");
    expect(detectSubwordMarkers(gpt2)).toEqual({ chars: ["Ġ", "Ċ"], isSuffixSymbol: false });
    expect(subwordSpans(gpt2, detectSubwordMarkers(gpt2)!)).toEqual([[0, 2], [4, 6]]);
    const wordPiece = toks("[CLS]", "hel", "##lo", "world", "##s");
    expect(subwordSpans(wordPiece, detectSubwordMarkers(wordPiece)!)).toEqual([[1, 3], [3, 5]]);
    expect(subwordSpans(toks("▁a", "b", "</s>", "c"), { chars: ["▁"], isSuffixSymbol: false })).toEqual([[0, 2], [2, 4]]);
    expect(detectSubwordMarkers(toks("the", "cat"))).toBeNull();
    const words = decoderOnly();
    const same = words.aggregate("subwords");
    expect(same.target).toEqual(words.target);
    expect([...same.targetAttributions!.data]).toEqual([...words.targetAttributions!.data]);
    // explicit markers
    const forced = words.aggregate("subwords", { specialChars: "a0" });
    expect(forced.target.map((t) => t.token)).toEqual(["a0a1a2a3a4a5"]);
    expect([forced.attrPosStart, forced.attrPosEnd]).toEqual([0, 1]);
  });
});

describe("slices aggregator", () => {
  it("keeps prompt spans and always the generated tokens", () => {
    const out = decoderOnly().aggregate("slices", { targetSpans: [[1, 3]] });
    expect(out.target.map((t) => t.token)).toEqual(["a1", "a2", "a3", "a4", "a5"]);
    expect(out.source!.map((t) => t.token)).toEqual(["a1", "a2"]);
    expect([out.attrPosStart, out.attrPosEnd]).toEqual([2, 5]);
    expectMatrix(nested(out.targetAttributions), [[0.4, -0.5, 0.1], [0.5, 0.1, 0.2], [N, 0.2, -0.1], [N, N, 0.3], [N, N, N]]);
    expect(out.stepScores).toEqual(decoderOnly().stepScores);
    const crossing = decoderOnly().aggregate("slices", { targetSpans: [2, 5] });
    expect(crossing.target.map((t) => t.token)).toEqual(["a2", "a3", "a4", "a5"]);
    expect([crossing.attrPosStart, crossing.attrPosEnd]).toEqual([1, 4]);
  });

  it("encoder-decoder: source spans; the target keeps the generation", () => {
    const out = encoderDecoder().aggregate("slices", { sourceSpans: [[1, 3]] });
    expect(out.source!.map((t) => t.token)).toEqual(["lo", "▁world"]);
    expect(out.target.map((t) => t.token)).toEqual(["▁Hal", "lo", "▁Welt", "</s>"]);
    expect([out.attrPosStart, out.attrPosEnd]).toEqual([0, 4]);
    expectMatrix(nested(out.sourceAttributions), [[-0.3, 0.1, 0.5, -0.6], [0.2, 0.2, -0.1, 0.1]]);
  });
});

describe("pair aggregator", () => {
  it("paired − this by default, a → b for differing tokens, custom pairFn", () => {
    const out = decoderOnly().aggregate("pair", { pairedAttr: decoderOnly(1, "x") });
    expect(out.target[4]).toEqual({ token: "a4 → x", id: -1 });
    expect(out.target[3]).toEqual({ token: "a3", id: 13 });
    expectMatrix(nested(out.targetAttributions), [[1, 1, 1], [1, 1, 1], [1, 1, 1], [N, 1, 1], [N, N, 1], [N, N, N]]);
    expect([...out.stepScores.probability.data]).toEqual([0, 0, 0]);
    const product = decoderOnly().aggregate("pair", { pairedAttr: decoderOnly(), pairFn: (a, b) => a * b });
    expect(product.targetAttributions!.data[0]).toBeCloseTo(0.01, 7);
    expectError(() => decoderOnly().aggregate("pair"), "INVALID_OPTION", /needs pairedAttr/);
    expectError(() => decoderOnly().aggregate("pair", { pairedAttr: granular() }), "INVALID_OPTION", /source length/);
  });
});

describe("pipelines, registry, weighting and merging", () => {
  it("pipelines run in order with shared options; tuples give each aggregator its function", () => {
    const out = granular().aggregate(["spans", "scores"], { targetSpans: [[0, 2]] });
    expect(out.target.map((t) => t.token)).toEqual(["g0g1", "g2"]);
    expect([out.attrPosStart, out.attrPosEnd]).toEqual([0, 2]);
    expectMatrix(nested(out.targetAttributions), [[N, 1], [N, N]]);
    const tuples = granular().aggregate([["spans", "sum"], ["scores", "vnorm"]], { targetSpans: [[0, 2]], normalize: false });
    expectMatrix(nested(tuples.targetAttributions), [[N, Math.sqrt(117)], [N, N]]);
    expect(granular().aggregate([]).granular).toBe(true);
  });

  it("custom aggregators by id; unknown ids list the valid ones", () => {
    registerAggregator("test_double", {
      aggregate: (data: SequenceAttributionData) => ({
        ...data,
        targetAttributions: data.targetAttributions && ndarray(data.targetAttributions.data.map((v) => 2 * v), data.targetAttributions.shape),
      }),
    });
    expect(listAggregators()).toEqual(expect.arrayContaining(["pair", "scores", "slices", "spans", "subwords", "test_double"]));
    expect(decoderOnly().aggregate(["test_double", "spans"], { targetSpans: [[0, 2]] }).targetAttributions!.data[0]).toBeCloseTo(0.8, 6);
    expectError(() => registerAggregator("test_double", { aggregate: (d) => d }), "INVALID_OPTION", /already registered/);
    registerAggregator("test_broken", { aggregate: (d) => ({ ...d, attrPosEnd: 99 }) });
    expectError(() => decoderOnly().aggregate("test_broken"), "INVALID_OPTION", /Aggregator test_broken returned inconsistent data/);
    expectError(() => decoderOnly().aggregate("nope"), "UNKNOWN_AGGREGATOR", /Unknown aggregator "nope".*pair, scores, slices, spans, subwords.*vnorm/);
  });

  it("weightAttributions multiplies each step column by the step score; later aggregation keeps it", () => {
    const weighted = granular().weightAttributions("probability");
    expectMatrix(nested(weighted.targetAttributions), [[0.5, 0.2 / 11], [N, 2 / 11], [N, N]]);
    expect([...weighted.aggregate().targetAttributions!.data]).toEqual([...weighted.targetAttributions!.data]);
    expect(weighted.getScores().targetAttributions![1][1]).toBeCloseTo(2 / 11, 6);
    expectError(() => granular().weightAttributions("entropy"), "INVALID_OPTION", /no step score "entropy" \(this output has probability\)/);
    const out = new FeatureAttributionOutput({ sequenceAttributions: [granular()] }).weightAttributions("probability");
    expect(out.sequenceAttributions[0].targetAttributions!.data[0]).toBeCloseTo(0.5, 6);
  });

  it("merge concatenates sequences of compatible outputs", () => {
    const info = { modelName: "m", attributionMethod: "saliency", stepScores: ["probability"], inputTexts: ["a"], generatedTexts: ["a b"], attrPosStart: 3, attrPosEnd: 6 };
    const a = new FeatureAttributionOutput({ sequenceAttributions: [decoderOnly()], info });
    const b = new FeatureAttributionOutput({ sequenceAttributions: [decoderOnly(1), decoderOnly(2)], info: { ...info, inputTexts: ["c", "d"], generatedTexts: ["c e", "d f"], attrPosEnd: 8 } });
    const merged = a.merge(b);
    expect(merged.length).toBe(3);
    expect(merged.info.inputTexts).toEqual(["a", "c", "d"]);
    expect(merged.info.generatedTexts).toEqual(["a b", "c e", "d f"]);
    expect(merged.info.attrPosEnd).toBe(8);
    expect(merged.sequenceAttributions[2]).toBe(b.sequenceAttributions[1]);
    expect(mergeAttributions([a, b]).length).toBe(3);
    const other = new FeatureAttributionOutput({ sequenceAttributions: [decoderOnly()], info: { ...info, modelName: "other" } });
    expectError(() => a.merge(other), "INVALID_OPTION", /info.modelName differs/);
    expectError(() => mergeAttributions([]), "INVALID_OPTION", /non-empty array/);
    // pair on whole outputs pairs sequence i with sequence i
    const paired = b.aggregate("pair", { pairedAttr: new FeatureAttributionOutput({ sequenceAttributions: [decoderOnly(2), decoderOnly(2)], info }) });
    expect(paired.sequenceAttributions[0].targetAttributions!.data[0]).toBeCloseTo(1, 6);
    expect(paired.sequenceAttributions[1].targetAttributions!.data[0]).toBeCloseTo(0, 6);
  });
});
