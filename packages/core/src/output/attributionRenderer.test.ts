import { afterEach, describe, expect, it } from "vitest";
import { isInseqError } from "../errors.js";
import { ndarray } from "../ndarray.js";
import { getAttributionRenderer, setAttributionRenderer, type AttributionRenderer, type ShowOptions } from "./attributionRenderer.js";
import { FeatureAttributionOutput } from "./featureAttributionOutput.js";

function granular(): FeatureAttributionOutput {
  const target = ["a", "b", "c"].map((token, id) => ({ token, id }));
  const data = Float32Array.from([3, 4, 1, 1, NaN, NaN, 2, 2, NaN, NaN, NaN, NaN]);
  return new FeatureAttributionOutput({
    sequenceAttributions: [
      { source: target.slice(0, 1), target, sourceAttributions: null, targetAttributions: ndarray(data, [3, 2, 2]), stepScores: {}, sequenceScores: {}, attrPosStart: 1, attrPosEnd: 3 },
    ],
  });
}

describe("FeatureAttributionOutput.show and the renderer hook", () => {
  const original = getAttributionRenderer();
  afterEach(() => {
    setAttributionRenderer(original);
  });

  it("without a renderer, tells which package to import", () => {
    setAttributionRenderer(null);
    try {
      granular().show();
      expect.unreachable();
    } catch (e) {
      expect(isInseqError(e, "INVALID_OPTION")).toBe(true);
      expect((e as Error).message).toMatch(/import "inseqjs" or "@inseqjs\/viz"/);
    }
  });

  it("calls the registered renderer with the aggregated output (or the output as is) and returns its result", () => {
    const calls: [FeatureAttributionOutput, ShowOptions][] = [];
    const renderer: AttributionRenderer = { render: (o, opts) => (calls.push([o, opts]), "drawn") };
    expect(setAttributionRenderer(renderer)).toBe(original);
    expect(getAttributionRenderer()).toBe(renderer);
    const out = granular();
    expect(out.show({ title: "t" })).toBe("drawn");
    const [shown, opts] = calls[0];
    expect(opts).toEqual({ title: "t" });
    expect(shown.sequenceAttributions[0].granular).toBe(false);
    // vnorm of (3,4) and (1,1), then L1 per column: 5 / (5 + 0) over rows [a, b, c] of step 0
    expect([...shown.sequenceAttributions[0].targetAttributions!.data].slice(0, 2)).toEqual([1, Math.fround(Math.SQRT2 / (Math.SQRT2 + Math.sqrt(8)))]);
    out.show({ aggregate: false });
    expect(calls[1][0]).toBe(out);
    out.show({ aggregation: { normalize: false } });
    expect(calls[2][0].sequenceAttributions[0].targetAttributions!.data[0]).toBe(5);
  });
});
