import { inseqError } from "../errors.js";
import type { NdArray } from "../ndarray.js";
import type { SequenceAttributionData, TokenWithId } from "./types.js";

/** What {@link validateSequenceAttribution} learns about valid data. */
export interface SequenceAttributionShape {
  /** Number of attributed steps: `attrPosEnd − attrPosStart`. */
  readonly nSteps: number;
  /** Whether the attribution arrays keep the trailing per-dimension axis. */
  readonly granular: boolean;
  /** Size of that axis (null when aggregated or when there are no attribution arrays). */
  readonly hiddenSize: number | null;
}

function fail(message: string): never {
  throw inseqError("INVALID_OPTION", `Invalid sequence attribution: ${message}`);
}

function checkNdArray(name: string, a: unknown): NdArray {
  if (typeof a !== "object" || a === null) fail(`${name} must be an NdArray { data: Float32Array, shape: number[] }.`);
  const { data, shape } = a as NdArray;
  if (!(data instanceof Float32Array)) fail(`${name}.data must be a Float32Array (build it with ndarray(values, shape)).`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`${name}.shape must be an array of non-negative integers.`);
  const size = shape.reduce((x: number, y: number) => x * y, 1);
  if (size !== data.length) fail(`${name} holds ${data.length} values but its shape [${shape.join(", ")}] needs ${size}.`);
  return a as NdArray;
}

function checkTokens(name: string, tokens: unknown): readonly TokenWithId[] {
  if (!Array.isArray(tokens)) fail(`${name} must be an array of { token, id }.`);
  tokens.forEach((t, i) => {
    if (typeof t !== "object" || t === null || typeof t.token !== "string" || !Number.isSafeInteger(t.id)) {
      fail(`${name}[${i}] must be { token: string, id: integer }, got ${JSON.stringify(t)}.`);
    }
  });
  return tokens;
}

function checkScores(name: string, scores: unknown, nSteps: number | null): void {
  if (typeof scores !== "object" || scores === null || Array.isArray(scores)) fail(`${name} must be an object of NdArrays by name (use {} for none).`);
  for (const [key, value] of Object.entries(scores)) {
    const a = checkNdArray(`${name}.${key}`, value);
    if (nSteps === null) continue;
    if (a.shape.length < 1 || a.shape.length > 2 || a.shape[0] !== nSteps) {
      fail(`${name}.${key} has shape [${a.shape.join(", ")}] but a step score needs (nSteps) or (nSteps, k) with nSteps = attrPosEnd − attrPosStart = ${nSteps}.`);
    }
  }
}

/**
 * Checks that sequence attribution data is consistent — tokens, positions, and every array's shape against them
 * (source rows = source length, target rows = target length, columns = `attrPosEnd − attrPosStart`, step scores
 * one per step) — and throws `INVALID_OPTION` naming the first mismatch.
 */
export function validateSequenceAttribution(data: SequenceAttributionData): SequenceAttributionShape {
  if (typeof data !== "object" || data === null) fail("expected an object with source, target, attributions, scores and positions.");
  const target = checkTokens("target", data.target);
  const source = data.source === null || data.source === undefined ? null : checkTokens("source", data.source);
  const { attrPosStart, attrPosEnd } = data;
  if (!Number.isSafeInteger(attrPosStart) || !Number.isSafeInteger(attrPosEnd) || attrPosStart < 0 || attrPosStart > attrPosEnd || attrPosEnd > target.length) {
    fail(`attrPosStart ${attrPosStart} and attrPosEnd ${attrPosEnd} must be integers with 0 ≤ attrPosStart ≤ attrPosEnd ≤ target length ${target.length}.`);
  }
  const nSteps = attrPosEnd - attrPosStart;
  let rank: number | null = null;
  let hiddenSize: number | null = null;
  const checkMatrix = (name: string, value: unknown, rowsOk: (rows: number) => boolean, rowsWanted: string): void => {
    if (value === null || value === undefined) return;
    const a = checkNdArray(name, value);
    if (a.shape.length !== 2 && a.shape.length !== 3) {
      fail(`${name} must be (length, nSteps) or granular (length, nSteps, dim); got shape [${a.shape.join(", ")}].`);
    }
    if (!rowsOk(a.shape[0])) fail(`${name} has ${a.shape[0]} rows but ${rowsWanted}.`);
    if (a.shape[1] !== nSteps) fail(`${name} has ${a.shape[1]} columns but attrPosEnd − attrPosStart = ${attrPosEnd} − ${attrPosStart} = ${nSteps} steps.`);
    const h = a.shape.length === 3 ? a.shape[2] : null;
    if (rank !== null && (rank !== a.shape.length || h !== hiddenSize)) {
      fail(`sourceAttributions and targetAttributions must both be granular with the same last axis, or both aggregated; got trailing shapes ${hiddenSize ?? "none"} and ${h ?? "none"}.`);
    }
    rank = a.shape.length;
    hiddenSize = h;
  };
  if (data.sourceAttributions && source === null) fail("sourceAttributions are given but source tokens are null; pass the source tokens.");
  checkMatrix("sourceAttributions", data.sourceAttributions, (r) => r === source!.length, `source has ${source?.length ?? 0} tokens`);
  checkMatrix(
    "targetAttributions",
    data.targetAttributions,
    (r) => r === target.length || r === attrPosEnd,
    `target has ${target.length} tokens (rows must equal the target length)`,
  );
  checkScores("stepScores", data.stepScores, nSteps);
  checkScores("sequenceScores", data.sequenceScores, null);
  return { nSteps, granular: rank === 3, hiddenSize };
}
