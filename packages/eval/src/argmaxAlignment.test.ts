import { describe, expect, it } from "vitest";
import { FeatureAttributionSequenceOutput, ndarray } from "@inseqjs/core";
import { argmaxAlignment } from "./argmaxAlignment.js";

const tokens = (words: string[], ids: number[]) => words.map((token, i) => ({ token, id: ids[i] }));

describe("argmaxAlignment", () => {
  it("encoder-decoder: links each generated token to its top source token, skipping special tokens", () => {
    const seq = new FeatureAttributionSequenceOutput({
      source: tokens(["x", "y", "</s>"], [5, 6, 0]),
      target: tokens(["<pad>", "u", "v", "</s>"], [2, 7, 8, 0]),
      // rows: x, y, </s>; columns: u, v, </s>
      sourceAttributions: ndarray([0.1, 0.6, 0.2, 0.3, 0.3, 0.1, 0.6, 0.1, 0.7], [3, 3]),
      targetAttributions: null,
      stepScores: {},
      sequenceScores: {},
      attrPosStart: 1,
      attrPosEnd: 4,
    });
    expect(argmaxAlignment(seq, { ignoreIds: [0, 2] })).toEqual([[1, 0], [0, 1]]);
    // without ignoring, </s> wins the first column and the EOS step is aligned too
    expect(argmaxAlignment(seq)).toEqual([[2, 0], [0, 1], [2, 2]]);
  });

  it("decoder-only: aligns generated tokens to prompt tokens", () => {
    const nan = Number.NaN;
    const seq = new FeatureAttributionSequenceOutput({
      source: tokens(["p", "q"], [3, 4]),
      target: tokens(["p", "q", "r", "s"], [3, 4, 5, 6]),
      sourceAttributions: null,
      // the generated r scores highest for s, but only prompt tokens are alignment candidates
      targetAttributions: ndarray([0.2, 0.1, 0.8, 0.2, nan, 0.7, nan, nan], [4, 2]),
      stepScores: {},
      sequenceScores: {},
      attrPosStart: 2,
      attrPosEnd: 4,
    });
    expect(argmaxAlignment(seq)).toEqual([[1, 0], [1, 1]]);
  });
});
