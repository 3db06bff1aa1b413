import type { SequenceAttributionData } from "@inseqjs/core";
import { inseqError } from "@inseqjs/core";
import type { AnsiColorMode } from "./ansiColor.js";
import { ansiOnBackground } from "./ansiColor.js";
import { buildHeatmap } from "./buildHeatmap.js";
import { displayWidth, padToWidth, truncateToWidth } from "./displayWidth.js";
import { divergingColor } from "./divergingColor.js";
import { formatValue } from "./formatValue.js";
import { defaultTerminalWidth, resolveColorMode } from "./terminalDefaults.js";
import { printableText } from "./printableText.js";
import { visibleToken } from "./visibleToken.js";

/** Options of {@link renderTerminalHeatmap}. */
export interface TerminalHeatmapOptions {
  /**
   * ANSI background colours: `false` plain text (tests, pipes); `true` colour, truecolor when `COLORTERM` says so,
   * else 256 colours; `"truecolor"` / `"256"` force a mode. Default: colour when stdout is a TTY and `NO_COLOR` is unset.
   */
  readonly color?: boolean | AnsiColorMode;
  /** Columns to wrap at; wider tables are split into column blocks. Default `process.stdout.columns`, or 100. */
  readonly width?: number;
  /** Digits after the decimal point. Default 3. */
  readonly decimals?: number;
  /** A line printed above the table. */
  readonly title?: string;
  /** Longest token label, in columns, before it is cut with `…`. Default 12. */
  readonly maxTokenLength?: number;
  /** What a space in a token becomes. Default `␣`. */
  readonly spaceMarker?: string;
  /** Half-width of the colour scale; default the largest absolute attribution of the sequence. */
  readonly scale?: number;
}

/** A table line: a label, then one cell per column; `null` cells are rules. */
interface Line {
  readonly label: string;
  /** Per column: cell text and background, or null for a rule line. */
  readonly cells: readonly { text: string; value: number; maxAbs: number }[] | null;
}

const LABEL_SEPARATOR = " \u2502";
const RULE_CROSS = "\u2500\u253c";

/**
 * Renders an aggregated sequence attribution as a terminal heatmap: a row per attributed token (source rows, a
 * rule, target rows), a column per generated token, the value in every cell (blank outside the prefix), cells
 * coloured on a symmetric diverging scale (red > 0, blue < 0), step scores under a rule. Tables wider than `width`
 * are split into column blocks, each repeating the row labels. Throws an InseqError for granular (3-D) data.
 */
export function renderTerminalHeatmap(seq: SequenceAttributionData, options: TerminalHeatmapOptions = {}): string {
  const caller = "renderTerminalHeatmap";
  const decimals = options.decimals ?? 3;
  const maxTokenLength = options.maxTokenLength ?? 12;
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 20) {
    throw inseqError("INVALID_OPTION", `${caller}: decimals must be an integer from 0 to 20, got ${decimals}.`);
  }
  if (!Number.isInteger(maxTokenLength) || maxTokenLength < 2) {
    throw inseqError("INVALID_OPTION", `${caller}: maxTokenLength must be an integer ≥ 2, got ${maxTokenLength}.`);
  }
  const width = options.width ?? defaultTerminalWidth();
  if (!(Number.isFinite(width) && width > 0)) {
    throw inseqError("INVALID_OPTION", `${caller}: width must be a positive number of columns, got ${width}.`);
  }
  const heatmap = buildHeatmap(seq, caller);
  const mode = resolveColorMode(options.color);
  const maxAbs = options.scale ?? heatmap.maxAbs;
  const label = (token: string): string => truncateToWidth(visibleToken(token, { spaceMarker: options.spaceMarker }), maxTokenLength);

  const lines: Line[] = [];
  const cells = (values: readonly number[], scale: number): Line["cells"] =>
    values.map((value) => ({ text: formatValue(value, decimals), value, maxAbs: scale }));
  heatmap.groups.forEach((group, g) => {
    if (g > 0) lines.push({ label: "", cells: null });
    for (const row of group.rows) lines.push({ label: label(row.token), cells: cells(row.values, maxAbs) });
  });
  if (heatmap.stepScores.length > 0) lines.push({ label: "", cells: null });
  for (const score of heatmap.stepScores) {
    lines.push({ label: truncateToWidth(score.name, maxTokenLength), cells: cells(score.values, score.maxAbs) });
  }

  const headers = heatmap.columns.map(label);
  const labelWidth = Math.max(0, ...lines.map((l) => displayWidth(l.label)));
  const colWidths = headers.map((h, k) => Math.max(displayWidth(h), ...lines.map((l) => (l.cells ? displayWidth(l.cells[k].text) : 0))));

  // Greedy column blocks: each holds as many columns as fit next to the repeated labels (at least one).
  const fixed = labelWidth + LABEL_SEPARATOR.length;
  const blocks: number[][] = [];
  let current: number[] = [];
  let used = fixed;
  colWidths.forEach((w, k) => {
    if (current.length > 0 && used + w + 2 > width) {
      blocks.push(current);
      current = [];
      used = fixed;
    }
    current.push(k);
    used += w + 2;
  });
  blocks.push(current);

  const out: string[] = [];
  if (options.title !== undefined) out.push(printableText(options.title));
  const finish = (line: string): string => (mode === null ? line.trimEnd() : line);
  blocks.forEach((cols, b) => {
    if (b > 0) out.push("");
    const bodyWidth = cols.reduce((sum, k) => sum + colWidths[k] + 2, 0);
    const rule = "\u2500".repeat(labelWidth) + RULE_CROSS + "\u2500".repeat(bodyWidth);
    out.push(finish(" ".repeat(labelWidth) + LABEL_SEPARATOR + cols.map((k) => ` ${padToWidth(headers[k], colWidths[k], "start")} `).join("")));
    out.push(rule);
    for (const line of lines) {
      if (line.cells === null) {
        out.push(rule);
        continue;
      }
      const row = line.cells;
      const body = cols.map((k) => {
        const text = ` ${padToWidth(row[k].text, colWidths[k], "start")} `;
        const bg = mode === null ? null : divergingColor(row[k].value, row[k].maxAbs);
        return bg === null || mode === null ? text : ansiOnBackground(text, bg, mode);
      });
      out.push(finish(padToWidth(line.label, labelWidth, "end") + LABEL_SEPARATOR + body.join("")));
    }
  });
  if (mode !== null) out.push("", legend(maxAbs, decimals, mode));
  return out.join("\n");
}

/** A colour bar from `-maxAbs` (blue) through 0 (white) to `+maxAbs` (red). */
function legend(maxAbs: number, decimals: number, mode: AnsiColorMode): string {
  const steps = 11;
  const bar = Array.from({ length: steps }, (_, i) => {
    const v = ((i - (steps - 1) / 2) / ((steps - 1) / 2)) * (maxAbs > 0 ? maxAbs : 1);
    return ansiOnBackground("  ", divergingColor(v, maxAbs > 0 ? maxAbs : 1) ?? [255, 255, 255], mode);
  }).join("");
  return `scale ${formatValue(-maxAbs, decimals)} ${bar} +${formatValue(maxAbs, decimals)}`;
}
