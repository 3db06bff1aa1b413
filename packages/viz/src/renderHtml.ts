import type { AttributionInfo, SequenceAttributionData } from "@inseqjs/core";
import { inseqError } from "@inseqjs/core";
import type { Heatmap } from "./buildHeatmap.js";
import { buildHeatmap } from "./buildHeatmap.js";
import type { Rgb } from "./divergingColor.js";
import { NEGATIVE_RGB, POSITIVE_RGB, ZERO_RGB, divergingColor, textColorFor } from "./divergingColor.js";
import { escapeMarkup, jsonForScript } from "./escapeMarkup.js";
import { formatValue } from "./formatValue.js";
import { htmlScript } from "./htmlScript.js";
import { HTML_STYLE } from "./htmlStyle.js";
import { visibleToken } from "./visibleToken.js";

/** Options of {@link renderHtml}. */
export interface HtmlOptions {
  /** Page title and heading. Default "inseq.js attributions". */
  readonly title?: string;
  /** Run information shown above the sequences (method, model, attributed function, step scores...). */
  readonly info?: AttributionInfo;
  /** Digits after the decimal point. Default 3. */
  readonly decimals?: number;
  /** Half-width of the colour scale; default per sequence, the largest absolute attribution. */
  readonly scale?: number;
}

const css = (c: Rgb): string => `rgb(${c[0]},${c[1]},${c[2]})`;
/** A token as HTML text: readable, spaces kept (shown by `white-space: pre`), escaped. */
const tokenHtml = (token: string): string => escapeMarkup(visibleToken(token, { spaceMarker: " " }));
/** A token as plain text for titles and the JSON data (quoted in messages). */
const tokenText = (token: string): string => visibleToken(token, { spaceMarker: " " });

/** One table cell: the value, coloured, with a hover title. */
function cellHtml(value: number, maxAbs: number, decimals: number, k: number, title: string): string {
  const bg = divergingColor(value, maxAbs);
  if (bg === null) return `<td class="iq-empty" data-c="${k}"></td>`;
  const text = formatValue(value, decimals);
  const style = `background:${css(bg)};color:${css(textColorFor(bg))}`;
  return `<td style="${style}" data-c="${k}" title="${escapeMarkup(`${title}: ${text}`)}">${text}</td>`;
}

/** The matrix table of one sequence: column headers, source rows, target rows, step score rows. */
function tableHtml(h: Heatmap, maxAbs: number, decimals: number): string {
  const n = h.columns.length;
  const head = h.columns
    .map((c, k) => `<th scope="col" class="iq-col" data-step="${k}" tabindex="0" title="${escapeMarkup(`step ${k + 1}: ${tokenText(c)}`)}">${tokenHtml(c)}</th>`)
    .join("");
  const groups = h.groups.map((g) => {
    const rows = g.rows.map((r) => {
      const cells = r.values.map((v, k) => cellHtml(v, maxAbs, decimals, k, `${g.kind} \u2018${tokenText(r.token)}\u2019 \u2192 \u2018${tokenText(h.columns[k])}\u2019`));
      return `<tr><th scope="row">${tokenHtml(r.token)}</th>${cells.join("")}</tr>`;
    });
    return `<tbody class="iq-${g.kind}"><tr class="iq-group-title"><th colspan="${n + 1}">${g.kind === "source" ? "Source" : "Target"} attributions</th></tr>${rows.join("")}</tbody>`;
  });
  const scores = h.stepScores.map((s) => {
    const cells = s.values.map((v, k) => cellHtml(v, s.maxAbs, decimals, k, `${s.name} of \u2018${tokenText(h.columns[k])}\u2019`));
    return `<tr><th scope="row">${escapeMarkup(s.name)}</th>${cells.join("")}</tr>`;
  });
  const scoreBody = scores.length > 0 ? `<tbody class="iq-scores"><tr class="iq-group-title"><th colspan="${n + 1}">Step scores</th></tr>${scores.join("")}</tbody>` : "";
  return `<div class="iq-scroll"><table class="iq-matrix"><thead><tr><th></th>${head}</tr></thead>${groups.join("")}${scoreBody}</table></div>`;
}

/** The inline token view: source tokens (when attributed) and target tokens; generated ones are clickable. */
function inlineHtml(seq: SequenceAttributionData, h: Heatmap): string {
  const spans = (kind: "source" | "target", tokens: readonly { token: string }[]): string =>
    tokens
      .map((t, i) => {
        const step = kind === "target" ? i - seq.attrPosStart : -1;
        const gen = step >= 0 && step < h.columns.length;
        const extra = gen ? ` iq-gen" data-step="${step}" role="button" tabindex="0` : "";
        return `<span class="iq-tok${extra}" data-kind="${kind}" data-i="${i}">${tokenHtml(t.token)}</span>`;
      })
      .join("");
  const line = (label: string, body: string): string => `<div class="iq-line"><span class="iq-line-label">${label}</span><span>${body}</span></div>`;
  const source = h.groups.some((g) => g.kind === "source") ? seq.source : null;
  return `<div class="iq-text">${source ? line("Source", spans("source", source)) : ""}${line("Target", spans("target", seq.target))}</div>`;
}

/** `value` as JSON, or as `String(value)` when it has no JSON form (BigInt, cycles). */
function jsonOrString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The run information as a definition list. */
function infoHtml(info: AttributionInfo): string {
  const entries: [string, unknown][] = [
    ["Method", info.attributionMethod],
    ["Model", info.modelName],
    ["Attributed function", info.attributedFn],
    ["Step scores", (info.stepScores ?? []).join(", ")],
    ["Method arguments", info.attributionArgs],
    ["Execution time", Number.isFinite(info.execTime) ? `${info.execTime.toFixed(3)} s` : ""],
  ];
  const rows = entries
    .filter(([, v]) => v !== "" && v !== undefined && v !== null && !(typeof v === "object" && Object.keys(v as object).length === 0))
    .map(([k, v]) => `<dt>${escapeMarkup(k)}</dt><dd>${escapeMarkup(typeof v === "string" ? v : jsonOrString(v))}</dd>`);
  return `<details class="iq-info" open><summary>Run</summary><dl>${rows.join("")}</dl></details>`;
}

/** A legend: blue for negative, white 0, red for positive, with the scale's bounds. */
function legendHtml(maxAbs: number, decimals: number): string {
  const bar = `linear-gradient(to right, ${css(NEGATIVE_RGB)}, ${css(ZERO_RGB)}, ${css(POSITIVE_RGB)})`;
  return `<div class="iq-legend"><span>${formatValue(-maxAbs, decimals)}</span><span class="iq-bar" style="background:${bar}"></span><span>+${formatValue(maxAbs, decimals)}</span></div>`;
}

/** Matrix values for the page's JSON data (NaN → null). */
const jsonMatrix = (h: Heatmap, kind: "source" | "target"): (number | null)[][] | null => {
  const g = h.groups.find((x) => x.kind === kind);
  return g ? g.rows.map((r) => r.values.map((v) => (Number.isFinite(v) ? v : null))) : null;
};

/**
 * Renders aggregated sequence attributions as one self-contained HTML page (inline CSS and JS, no network): per
 * sequence an inline token view (click a generated token or column header to shade the input tokens by their
 * attribution to it) and the source / target attribution matrices as coloured tables with hover values. Every
 * token is escaped; the data the script reads is JSON with `<`, `>`, `&`, U+2028/2029 escaped.
 */
export function renderHtml(seqs: readonly SequenceAttributionData[], options: HtmlOptions = {}): string {
  const decimals = options.decimals ?? 3;
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 20) {
    throw inseqError("INVALID_OPTION", `renderHtml: decimals must be an integer from 0 to 20, got ${decimals}.`);
  }
  const title = options.title ?? "inseq.js attributions";
  const data: unknown[] = [];
  const sections = seqs.map((seq, i) => {
    const h = buildHeatmap(seq, "renderHtml");
    const maxAbs = options.scale ?? h.maxAbs;
    data.push({
      columns: h.columns.map(tokenText),
      attrPosStart: seq.attrPosStart,
      maxAbs,
      sourceTokens: seq.source?.map((t) => tokenText(t.token)) ?? null,
      targetTokens: seq.target.map((t) => tokenText(t.token)),
      source: jsonMatrix(h, "source"),
      target: jsonMatrix(h, "target"),
      stepScores: Object.fromEntries(h.stepScores.map((s) => [s.name, s.values.map((v) => (Number.isFinite(v) ? v : null))])),
    });
    return (
      `<section class="iq-seq" data-seq="${i}"><h2>Sequence ${i + 1}</h2>${inlineHtml(seq, h)}` +
      `<p class="iq-status" aria-live="polite"></p>${tableHtml(h, maxAbs, decimals)}${legendHtml(maxAbs, decimals)}</section>`
    );
  });
  const body = sections.length > 0 ? sections.join("\n") : "<p>No attributed sequences.</p>";
  return [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeMarkup(title)}</title><style>${HTML_STYLE}</style></head>`,
    `<body><h1>${escapeMarkup(title)}</h1>`,
    options.info ? infoHtml(options.info) : "",
    body,
    `<script type="application/json" id="iq-data">${jsonForScript(data)}</script>`,
    `<script>${htmlScript(decimals)}</script>`,
    "</body></html>",
    "",
  ].join("\n");
}
