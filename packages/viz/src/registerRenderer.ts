import type { AttributionRenderer, FeatureAttributionOutput, ShowOptions } from "@inseqjs/core";
import { getAttributionRenderer, inseqError, setAttributionRenderer } from "@inseqjs/core";
import { renderHtml } from "./renderHtml.js";
import { renderTerminalHeatmap } from "./renderTerminalHeatmap.js";

/** The few DOM members the browser path uses (a real `document` or a test double). */
interface DomElement {
  appendChild(child: DomElement): unknown;
  setAttribute(name: string, value: string): void;
}
interface DomDocument {
  readonly body: DomElement | null;
  createElement(tag: string): DomElement;
}

function pageDocument(): DomDocument | undefined {
  const doc = (globalThis as { document?: Partial<DomDocument> }).document;
  return doc && typeof doc.createElement === "function" ? (doc as DomDocument) : undefined;
}

function nodeStdout(): { write(text: string): unknown } | undefined {
  return (globalThis as { process?: { stdout?: { write(text: string): unknown } } }).process?.stdout;
}

function isElement(v: unknown): v is DomElement {
  return typeof v === "object" && v !== null && typeof (v as DomElement).appendChild === "function";
}

/** Browser: the page of {@link renderHtml} in an `<iframe srcdoc>` (its styles and script stay isolated). */
function showInPage(output: FeatureAttributionOutput, options: ShowOptions): string {
  const html = renderHtml(output.sequenceAttributions, { title: options.title, info: output.info, decimals: options.decimals, scale: options.scale });
  if (options.display === false) return html;
  const doc = pageDocument();
  const target = options.element ?? doc?.body;
  if (!isElement(target) || !doc) {
    throw inseqError("INVALID_OPTION", "show(): options.element must be a DOM element (or omit it to use document.body once the page has a body).");
  }
  const frame = doc.createElement("iframe") as DomElement & { srcdoc?: string; onload?: unknown; style?: { height: string }; contentDocument?: { documentElement?: { scrollHeight?: number } } | null };
  frame.setAttribute("title", options.title ?? "inseq.js attributions");
  frame.setAttribute("style", "width:100%;border:0;min-height:24em");
  frame.srcdoc = html;
  frame.onload = () => {
    const height = frame.contentDocument?.documentElement?.scrollHeight;
    if (height && frame.style) frame.style.height = `${height}px`;
  };
  target.appendChild(frame);
  return html;
}

/** Node: one {@link renderTerminalHeatmap} per sequence, printed to stdout. */
function showInTerminal(output: FeatureAttributionOutput, options: ShowOptions): string {
  const title = options.title ?? [output.info.attributionMethod, output.info.modelName].filter(Boolean).join(" — ");
  const text = output.sequenceAttributions
    .map((seq) => renderTerminalHeatmap(seq, { color: options.color, width: options.width, decimals: options.decimals, scale: options.scale, title: title || undefined }) + "\n")
    .join("\n");
  if (options.display !== false) {
    const stdout = nodeStdout();
    if (!stdout) throw inseqError("INVALID_OPTION", "show(): there is neither a page (document) nor a stdout to show the heatmap on; use renderHtml or renderTerminalHeatmap.");
    stdout.write(text);
  }
  return text;
}

/**
 * The renderer behind `output.show()`: HTML appended to `options.element` or `document.body` when there is a page,
 * else a terminal heatmap on stdout.
 */
export const vizRenderer: AttributionRenderer = {
  render(output, options) {
    return options.element !== undefined || pageDocument()?.body ? showInPage(output, options) : showInTerminal(output, options);
  },
};

/** Makes {@link vizRenderer} the renderer of `output.show()`; done on import unless another one is registered. */
export function registerVizRenderer(): void {
  setAttributionRenderer(vizRenderer);
}

if (getAttributionRenderer() === null) registerVizRenderer();
