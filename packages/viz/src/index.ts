/**
 * @packageDocumentation
 * Heatmaps of inseq.js attributions: terminal (ANSI), self-contained HTML and SVG.
 */
export * from "./renderTerminalHeatmap.js";
export * from "./renderHtml.js";
export * from "./renderSvg.js";
export * from "./buildHeatmap.js";
export * from "./divergingColor.js";
export * from "./readableToken.js";
export * from "./visibleToken.js";
export * from "./printableText.js";
export * from "./escapeMarkup.js";
export * from "./displayWidth.js";
export type { AnsiColorMode } from "./ansiColor.js";
export * from "./registerRenderer.js";
