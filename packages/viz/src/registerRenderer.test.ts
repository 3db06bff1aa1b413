import { FeatureAttributionOutput, getAttributionRenderer, ndarray, setAttributionRenderer } from "@inseqjs/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerVizRenderer, vizRenderer } from "./index.js";
import { renderHtml } from "./renderHtml.js";
import { renderTerminalHeatmap } from "./renderTerminalHeatmap.js";
import { decoderOnly3x2, encoderDecoder } from "./testing/sequences.js";

/** A granular output whose default aggregation is known: vnorm of (3, 4) = 5, then column-normalised. */
function granularOutput(): FeatureAttributionOutput {
  const seq = decoderOnly3x2();
  const data = Float32Array.from([3, 4, 0, 1, NaN, NaN, 0, 3, NaN, NaN, NaN, NaN]);
  return new FeatureAttributionOutput({
    sequenceAttributions: [{ ...seq, targetAttributions: ndarray(data, [3, 2, 2]) }, encoderDecoder()],
    info: { attributionMethod: "saliency", modelName: "tiny" },
  });
}

/** A minimal stand-in for `document`: records created elements and appended children. */
function fakeDocument() {
  type El = { tag: string; attrs: Record<string, string>; children: El[]; srcdoc?: string; onload?: () => void; style: { height: string }; appendChild(c: El): El; setAttribute(n: string, v: string): void };
  const make = (tag: string): El => ({
    tag,
    attrs: {},
    children: [],
    style: { height: "" },
    appendChild(c) {
      this.children.push(c);
      return c;
    },
    setAttribute(n, v) {
      this.attrs[n] = v;
    },
  });
  return { body: make("body"), createElement: make, make };
}

describe("vizRenderer: output.show()", () => {
  const g = globalThis as { document?: unknown };
  afterEach(() => {
    delete g.document;
    vi.restoreAllMocks();
    registerVizRenderer();
  });

  it("is registered by importing @inseqjs/viz", () => {
    expect(getAttributionRenderer()).toBe(vizRenderer);
  });

  it("Node: prints the terminal heatmap of the aggregated output to stdout and returns it", () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => (writes.push(String(chunk)), true));
    const out = granularOutput();
    const text = out.show({ color: false, width: 80 });
    expect(writes).toEqual([text]);
    const agg = out.aggregate();
    const title = "saliency — tiny";
    const expected = agg.sequenceAttributions.map((s) => renderTerminalHeatmap(s, { color: false, width: 80, title }) + "\n").join("\n");
    expect(text).toBe(expected);
    expect(text).toContain("1.000"); // 5 / 5 after normalisation: the granular data was aggregated
    expect(out.show({ color: false, display: false })).toContain("saliency — tiny");
    expect(writes.length).toBe(1);
    expect(() => out.show({ aggregate: false, display: false })).toThrow(/granular|aggregate/i);
  });

  it("browser: appends the self-contained HTML page in an iframe to document.body, or to the given element", () => {
    const doc = fakeDocument();
    g.document = doc;
    const writes = vi.spyOn(process.stdout, "write");
    const out = granularOutput();
    const html = out.show({ title: "My run" });
    expect(writes).not.toHaveBeenCalled();
    expect(html).toBe(renderHtml(out.aggregate().sequenceAttributions, { title: "My run", info: out.info }));
    expect(doc.body.children.length).toBe(1);
    const frame = doc.body.children[0];
    expect(frame.tag).toBe("iframe");
    expect(frame.srcdoc).toBe(html);
    expect(frame.attrs.title).toBe("My run");
    Object.assign(frame, { contentDocument: { documentElement: { scrollHeight: 321 } } });
    frame.onload!();
    expect(frame.style.height).toBe("321px");

    const host = doc.make("div");
    out.show({ element: host });
    expect(host.children.map((c) => c.tag)).toEqual(["iframe"]);
    expect(doc.body.children.length).toBe(1);
    out.show({ display: false });
    expect(doc.body.children.length).toBe(1);
  });

  it("an element option without a page, or a non-element, is a clear error", () => {
    expect(() => granularOutput().show({ element: {} })).toThrow(/DOM element/);
  });

  it("a custom renderer replaces viz's; registerVizRenderer restores it", () => {
    const custom = { render: () => "custom" };
    setAttributionRenderer(custom);
    expect(granularOutput().show()).toBe("custom");
    registerVizRenderer();
    expect(getAttributionRenderer()).toBe(vizRenderer);
  });
});
