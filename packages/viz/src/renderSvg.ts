import type { SequenceAttributionData } from "@inseqjs/core";
import { inseqError } from "@inseqjs/core";
import { buildHeatmap } from "./buildHeatmap.js";
import { displayWidth, truncateToWidth } from "./displayWidth.js";
import type { Rgb } from "./divergingColor.js";
import { divergingColor, textColorFor } from "./divergingColor.js";
import { escapeMarkup } from "./escapeMarkup.js";
import { formatValue } from "./formatValue.js";
import { visibleToken } from "./visibleToken.js";

/** Options of {@link renderSvg}. */
export interface SvgOptions {
  /** A heading above the matrix (also the SVG's accessible `<title>`). */
  readonly title?: string;
  /** Digits after the decimal point. Default 3. */
  readonly decimals?: number;
  /** Font size in px; the layout assumes a monospace font. Default 12. */
  readonly fontSize?: number;
  /** Cell size in px; values are written in cells wide enough for them. Default: fits a value. */
  readonly cellWidth?: number;
  readonly cellHeight?: number;
  /** Longest token label, in characters, before it is cut with `…`. Default 16. */
  readonly maxTokenLength?: number;
  /** What a space in a token becomes. Default `␣`. */
  readonly spaceMarker?: string;
  /** Half-width of the colour scale; default the largest absolute attribution of the sequence. */
  readonly scale?: number;
}

const css = (c: Rgb): string => `rgb(${c[0]},${c[1]},${c[2]})`;
const num = (x: number): string => String(Math.round(x * 10) / 10);

/**
 * Renders an aggregated sequence attribution as a standalone SVG document: the matrix of coloured cells (source
 * rows, then target rows, then step scores), generated tokens as slanted column labels, attributed tokens as row
 * labels, the value in each cell when it fits, and a hover `<title>` on every cell. All text is XML-escaped.
 */
export function renderSvg(seq: SequenceAttributionData, options: SvgOptions = {}): string {
  const caller = "renderSvg";
  const decimals = options.decimals ?? 3;
  const fontSize = options.fontSize ?? 12;
  const maxTokenLength = options.maxTokenLength ?? 16;
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 20) {
    throw inseqError("INVALID_OPTION", `${caller}: decimals must be an integer from 0 to 20, got ${decimals}.`);
  }
  for (const [name, v] of [["fontSize", fontSize], ["cellWidth", options.cellWidth], ["cellHeight", options.cellHeight]] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw inseqError("INVALID_OPTION", `${caller}: ${name} must be a positive number of px, got ${v}.`);
  }
  const h = buildHeatmap(seq, caller);
  const maxAbs = options.scale ?? h.maxAbs;
  const label = (token: string): string => truncateToWidth(visibleToken(token, { spaceMarker: options.spaceMarker }), maxTokenLength);

  const charW = fontSize * 0.6;
  const pad = 6;
  const cellW = options.cellWidth ?? Math.max(fontSize * 3, (decimals + 3) * charW + 2 * pad);
  const cellH = options.cellHeight ?? Math.round(fontSize * 1.8);
  const gap = Math.round(cellH / 2);
  const headers = h.columns.map(label);
  const rowLabels = [...h.groups.flatMap((g) => g.rows.map((r) => label(r.token))), ...h.stepScores.map((s) => truncateToWidth(s.name, maxTokenLength))];
  const labelW = Math.max(0, ...rowLabels.map(displayWidth)) * charW + 2 * pad;
  const slant = Math.SQRT1_2;
  const headerLen = Math.max(0, ...headers.map(displayWidth)) * charW;
  const titleH = options.title !== undefined ? fontSize * 2.2 : 0;
  const top = titleH + headerLen * slant + pad * 2;
  const n = h.columns.length;

  const parts: string[] = [];
  let y = top;
  const row = (text: string, values: readonly number[], scale: number, describe: (k: number) => string): void => {
    parts.push(`<text x="${num(labelW - pad)}" y="${num(y + cellH / 2)}" text-anchor="end" dominant-baseline="central">${escapeMarkup(text)}</text>`);
    values.forEach((v, k) => {
      const bg = divergingColor(v, scale);
      if (bg === null) return;
      const x = labelW + k * cellW;
      const value = formatValue(v, decimals);
      const fits = value.length * charW + 4 <= cellW && fontSize + 2 <= cellH;
      const text = fits
        ? `<text x="${num(x + cellW / 2)}" y="${num(y + cellH / 2)}" text-anchor="middle" dominant-baseline="central" fill="${css(textColorFor(bg))}">${value}</text>`
        : "";
      parts.push(
        `<g><title>${escapeMarkup(`${describe(k)}: ${value}`)}</title>` +
          `<rect x="${num(x)}" y="${num(y)}" width="${num(cellW)}" height="${num(cellH)}" fill="${css(bg)}" stroke="#fff" stroke-width="1"/>${text}</g>`,
      );
    });
    y += cellH;
  };
  const rule = (): void => {
    y += gap / 2;
    parts.push(`<line x1="${num(pad)}" y1="${num(y)}" x2="${num(labelW + n * cellW)}" y2="${num(y)}" stroke="#999" stroke-width="1"/>`);
    y += gap / 2;
  };
  const plain = (token: string): string => visibleToken(token, { spaceMarker: " " });
  h.groups.forEach((g, gi) => {
    if (gi > 0) rule();
    for (const r of g.rows) row(label(r.token), r.values, maxAbs, (k) => `${g.kind} \u2018${plain(r.token)}\u2019 \u2192 \u2018${plain(h.columns[k])}\u2019`);
  });
  if (h.stepScores.length > 0) rule();
  for (const s of h.stepScores) row(truncateToWidth(s.name, maxTokenLength), s.values, s.maxAbs, (k) => `${s.name} of \u2018${plain(h.columns[k])}\u2019`);

  const headerParts = headers.map((text, k) => {
    const x = labelW + k * cellW + cellW / 2;
    return `<text transform="translate(${num(x)},${num(top - pad)}) rotate(-45)">${escapeMarkup(text)}</text>`;
  });
  const width = labelW + n * cellW + Math.max(0, headerLen * slant - cellW / 2) + pad;
  const height = y + pad;
  const titleText = options.title !== undefined ? escapeMarkup(options.title) : "Attribution heatmap";
  const heading =
    options.title !== undefined ? `<text x="${pad}" y="${num(fontSize * 1.4)}" font-weight="bold" font-size="${num(fontSize * 1.2)}">${titleText}</text>` : "";
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" ` +
      `font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="${num(fontSize)}" fill="#1b1b1f">`,
    `<title>${titleText}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    heading,
    ...headerParts,
    ...parts,
    "</svg>",
  ]
    .filter((line) => line !== "")
    .join("\n");
}
