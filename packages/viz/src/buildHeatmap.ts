import { inseqError } from "@inseqjs/core";
import type { NdArray, SequenceAttributionData } from "@inseqjs/core";
import { symmetricScale } from "./divergingColor.js";

/** One attributed token (a heatmap row) with its value for every generated token (NaN outside the prefix). */
export interface HeatmapRow {
  /** The token as the tokenizer wrote it (`Ġcat`); renderers make it readable. */
  readonly token: string;
  readonly values: readonly number[];
}

/** The rows of one attribution matrix: source rows or target rows. */
export interface HeatmapGroup {
  readonly kind: "source" | "target";
  readonly rows: readonly HeatmapRow[];
}

/** One step score (`probability`, a column of `deltas`): a value per generated token, with its own scale. */
export interface HeatmapScoreRow {
  readonly name: string;
  readonly values: readonly number[];
  readonly maxAbs: number;
}

/** A renderer-independent view of an aggregated sequence attribution. */
export interface Heatmap {
  /** The generated tokens explained by the columns: `target[attrPosStart + k]`. */
  readonly columns: readonly string[];
  /** Source rows first (encoder-decoder), then target rows (when target attributions exist). */
  readonly groups: readonly HeatmapGroup[];
  readonly stepScores: readonly HeatmapScoreRow[];
  /** Half-width of the symmetric colour scale of the attribution cells. */
  readonly maxAbs: number;
}

/** Checks one attribution matrix and returns its rows. */
function matrixRows(
  name: string,
  matrix: NdArray,
  tokens: readonly { token: string }[] | null,
  caller: string,
): { rows: HeatmapRow[]; nSteps: number } {
  if (matrix.shape.length === 3) {
    throw inseqError(
      "INVALID_OPTION",
      `${caller}: ${name} is granular, shape [${matrix.shape.join(", ")}] (one value per embedding dimension); ` +
        "aggregate it first (e.g. output.aggregate(), or sum / L2-norm over the last axis) to get a (length, nSteps) matrix.",
    );
  }
  if (matrix.shape.length !== 2) {
    throw inseqError("INVALID_OPTION", `${caller}: ${name} must be a 2-D (length, nSteps) matrix, got shape [${matrix.shape.join(", ")}].`);
  }
  const [len, nSteps] = matrix.shape;
  if (tokens === null || tokens.length !== len) {
    throw inseqError(
      "INVALID_OPTION",
      `${caller}: ${name} has ${len} rows but the sequence has ${tokens?.length ?? 0} tokens; pass the tokens the attributions were computed on.`,
    );
  }
  const rows = tokens.map((t, i) => ({ token: t.token, values: Array.from(matrix.data.subarray(i * nSteps, (i + 1) * nSteps)) }));
  return { rows, nSteps };
}

/** Step scores as rows: `(nSteps)` → one row, `(nSteps, k)` → k rows `name[j]` (one row `name` when k = 1). */
function scoreRows(stepScores: SequenceAttributionData["stepScores"], nSteps: number, caller: string): HeatmapScoreRow[] {
  const out: HeatmapScoreRow[] = [];
  for (const [name, score] of Object.entries(stepScores)) {
    if (score.shape[0] !== nSteps || score.shape.length > 2) {
      throw inseqError(
        "INVALID_OPTION",
        `${caller}: step score "${name}" has shape [${score.shape.join(", ")}], expected [${nSteps}] or [${nSteps}, k] (one value per generated token).`,
      );
    }
    const k = score.shape.length === 2 ? score.shape[1] : 1;
    for (let j = 0; j < k; j++) {
      const values = Array.from({ length: nSteps }, (_, s) => score.data[s * k + j]);
      out.push({ name: k > 1 ? `${name}[${j}]` : name, values, maxAbs: symmetricScale(values) });
    }
  }
  return out;
}

/**
 * Checks an aggregated {@link SequenceAttributionData} and arranges it as heatmap rows and columns; throws an
 * `INVALID_OPTION` InseqError for granular (3-D) data, mismatched shapes or a sequence without attributions.
 * `caller` names the public function in error messages.
 */
export function buildHeatmap(seq: SequenceAttributionData, caller = "buildHeatmap"): Heatmap {
  const groups: HeatmapGroup[] = [];
  const sizes: number[] = [];
  const parts = [
    ["source", seq.sourceAttributions, seq.source],
    ["target", seq.targetAttributions, seq.target],
  ] as const;
  for (const [kind, matrix, tokens] of parts) {
    if (matrix === null) continue;
    const m = matrixRows(`${kind}Attributions`, matrix, tokens, caller);
    groups.push({ kind, rows: m.rows });
    sizes.push(m.nSteps);
  }
  if (sizes.length === 0) {
    throw inseqError("INVALID_OPTION", `${caller}: the sequence has neither sourceAttributions nor targetAttributions; attribute it first.`);
  }
  const steps = sizes[0];
  if (sizes.some((n) => n !== steps)) {
    throw inseqError(
      "INVALID_OPTION",
      `${caller}: sourceAttributions has ${sizes[0]} columns but targetAttributions has ${sizes[1]}; both need one column per generated token.`,
    );
  }
  if (!Number.isInteger(seq.attrPosStart) || seq.attrPosStart < 0 || seq.attrPosStart + steps > seq.target.length) {
    throw inseqError(
      "INVALID_OPTION",
      `${caller}: attrPosStart ${seq.attrPosStart} + ${steps} steps does not fit the ${seq.target.length} target tokens; column k explains target[attrPosStart + k].`,
    );
  }
  const columns = Array.from({ length: steps }, (_, k) => seq.target[seq.attrPosStart + k].token);
  const maxAbs = symmetricScale(groups.flatMap((g) => g.rows.flatMap((r) => r.values)));
  return { columns, groups, stepScores: scoreRows(seq.stepScores, steps, caller), maxAbs };
}
