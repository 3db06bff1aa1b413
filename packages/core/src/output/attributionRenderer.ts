import type { FeatureAttributionOutput } from "./featureAttributionOutput.js";

/** Options of {@link FeatureAttributionOutput.show}, passed on to the registered {@link AttributionRenderer}. */
export interface ShowOptions {
  /** Aggregate before rendering (default true, inseq's `do_aggregation`); false renders already aggregated data as is. */
  readonly aggregate?: boolean;
  /** How to aggregate: what `output.aggregate()` takes first (default: the output's default aggregation). */
  readonly aggregation?: Parameters<FeatureAttributionOutput["aggregate"]>[0];
  /** Print / insert the heatmap (default true); false only returns it (inseq's `display`). */
  readonly display?: boolean;
  /** Browser: element the heatmap is appended to (default `document.body`); giving one selects the DOM renderer. */
  readonly element?: unknown;
  /** Heading of the heatmap. */
  readonly title?: string;
  /** Digits after the decimal point (default 3). */
  readonly decimals?: number;
  /** Half-width of the colour scale (default: per sequence, its largest absolute attribution). */
  readonly scale?: number;
  /** Terminal: ANSI colours (`false` plain text; default colour on a TTY without `NO_COLOR`). */
  readonly color?: boolean | "truecolor" | "256";
  /** Terminal: columns to wrap at (default the terminal width, or 100). */
  readonly width?: number;
}

/** Draws an (aggregated) output: a terminal heatmap in Node, HTML in a browser. `@inseqjs/viz` registers one. */
export interface AttributionRenderer {
  /** Renders `output`, shows it unless `options.display` is false, and returns what it rendered (text or HTML). */
  render(output: FeatureAttributionOutput, options: ShowOptions): string;
}

let current: AttributionRenderer | null = null;

/**
 * Registers the renderer `output.show()` uses and returns the previous one (null clears it). Importing `inseqjs`
 * or `@inseqjs/viz` registers the built-in one, so core never depends on the viz package.
 */
export function setAttributionRenderer(renderer: AttributionRenderer | null): AttributionRenderer | null {
  const previous = current;
  current = renderer;
  return previous;
}

/** The renderer registered with {@link setAttributionRenderer}, or null. */
export function getAttributionRenderer(): AttributionRenderer | null {
  return current;
}
