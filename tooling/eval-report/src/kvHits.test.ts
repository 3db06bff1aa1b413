import { describe, expect, it } from "vitest";
import { FeatureAttributionOutput, FeatureAttributionSequenceOutput, ndarray } from "@inseqjs/core";
import { kvHits } from "./kvHits.js";
import { randomAttribution } from "./randomAttribution.js";

const words = ["a", "3", "b", "7", ";", "b", "=", "7"];
const tokens = words.map((token, id) => ({ token, id: id + 2 }));
const nan = Number.NaN;
const seq = (scores: number[]) =>
  new FeatureAttributionSequenceOutput({
    source: tokens.slice(0, 7),
    target: tokens,
    sourceAttributions: null,
    targetAttributions: ndarray([...scores, nan], [8, 1]),
    stepScores: {},
    sequenceScores: {},
    attrPosStart: 7,
    attrPosEnd: 8,
  });
const example = { prompt: "a 3 b 7 ; b =", answer: "7", keyPosition: 2, valuePosition: 3, queryPosition: 5 };

describe("kvHits", () => {
  it("checks the top two prompt tokens against the queried value, its key and the query key", () => {
    expect(kvHits(seq([0, 0, 0, 0.9, 0, 0, 0.5]), example, new Set())).toEqual({ top1: true, top2: true, value1: true, value2: true });
    expect(kvHits(seq([0, 0, 0.2, 0.1, 0, 0, 0.5]), example, new Set())).toEqual({ top1: false, top2: true, value1: false, value2: false });
    expect(kvHits(seq([0.9, 0.8, 0, 0.1, 0, 0, 0]), example, new Set())).toEqual({ top1: false, top2: false, value1: false, value2: false });
    // a special token is never ranked: with "=" ignored the value comes first
    expect(kvHits(seq([0, 0, 0, 0.4, 0, 0, 0.5]), example, new Set([8])).value1).toBe(true);
  });
});

describe("randomAttribution", () => {
  it("keeps shapes, tokens and NaN cells and replaces every score by a seeded random number", () => {
    const out = new FeatureAttributionOutput({ sequenceAttributions: [seq([0, 0, 0, 0.9, 0, 0, 0.5])] });
    const a = randomAttribution(out, 1).sequenceAttributions[0];
    const b = randomAttribution(out, 1).sequenceAttributions[0];
    expect(a.target).toEqual(tokens);
    expect(a.targetAttributions!.shape).toEqual([8, 1]);
    expect(Number.isNaN(a.targetAttributions!.data[7])).toBe(true);
    expect(Array.from(a.targetAttributions!.data.slice(0, 7)).every((v) => v >= 0 && v < 1)).toBe(true);
    expect(Array.from(a.targetAttributions!.data)).toEqual(Array.from(b.targetAttributions!.data));
    expect(Array.from(randomAttribution(out, 2).sequenceAttributions[0].targetAttributions!.data.slice(0, 7))).not.toEqual(Array.from(a.targetAttributions!.data.slice(0, 7)));
  });
});
