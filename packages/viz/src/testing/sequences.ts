import type { NdArray, SequenceAttributionData, TokenWithId } from "@inseqjs/core";
import { ndarray } from "@inseqjs/core";

/** Tokens with made-up ids. */
export const tokens = (...names: string[]): TokenWithId[] => names.map((token, id) => ({ token, id }));

/** A decoder-only sequence: target `The Ġcat Ġsat`, 2 generated tokens, (3, 2) target attributions. */
export function decoderOnly3x2(): SequenceAttributionData {
  return {
    source: tokens("The"),
    target: tokens("The", "Ġcat", "Ġsat"),
    sourceAttributions: null,
    targetAttributions: ndarray([1, 0.25, NaN, 0.75, NaN, NaN], [3, 2]),
    stepScores: { probability: ndarray([0.5, 0.125], [2]) },
    sequenceScores: {},
    attrPosStart: 1,
    attrPosEnd: 3,
  };
}

/** An encoder-decoder sequence: (3, 2) source and (4, 2) target attributions with a negative value. */
export function encoderDecoder(): SequenceAttributionData {
  return {
    source: tokens("▁Hello", "▁world", "</s>"),
    target: tokens("<pad>", "▁Bonjour", "▁monde", "</s>"),
    sourceAttributions: ndarray([0.5, 0.1, -0.25, 0.7, 0.05, NaN], [3, 2]),
    targetAttributions: ndarray([0.2, 0.1, NaN, 0.1, NaN, NaN, NaN, NaN], [4, 2]),
    stepScores: { probability: ndarray([0.9, 0.45], [2]), deltas: ndarray([0.001, -0.002, 0.003, 0.004], [2, 2]) },
    sequenceScores: {},
    attrPosStart: 1,
    attrPosEnd: 3,
  };
}

/** A decoder-only sequence over `tokenNames` whose columns explain tokens `promptLen..`; cell (i, k) = `value(i, k)` inside the prefix. */
export function decoderOnly(tokenNames: string[], promptLen: number, value: (i: number, k: number) => number = (i, k) => (i + 1) / (k + 10)): SequenceAttributionData {
  const n = tokenNames.length - promptLen;
  const data: number[] = [];
  for (let i = 0; i < tokenNames.length; i++) for (let k = 0; k < n; k++) data.push(i < promptLen + k ? value(i, k) : NaN);
  return {
    source: tokens(...tokenNames.slice(0, promptLen)),
    target: tokens(...tokenNames),
    sourceAttributions: null,
    targetAttributions: ndarray(data, [tokenNames.length, n]),
    stepScores: {},
    sequenceScores: {},
    attrPosStart: promptLen,
    attrPosEnd: tokenNames.length,
  };
}

/** `seq` with its attribution matrices replaced (granular ones, bad shapes). */
export function withMatrices(seq: SequenceAttributionData, source: NdArray | null, target: NdArray | null): SequenceAttributionData {
  return { ...seq, sourceAttributions: source, targetAttributions: target };
}
