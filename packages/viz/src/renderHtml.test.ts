import type { AttributionInfo } from "@inseqjs/core";
import { InseqError, ndarray } from "@inseqjs/core";
import { describe, expect, it } from "vitest";
import { divergingColor } from "./divergingColor.js";
import { renderHtml } from "./renderHtml.js";
import { decoderOnly3x2, encoderDecoder, tokens, withMatrices } from "./testing/sequences.js";

const HOSTILE = ["<script>alert(1)</script>", `"'&`, "</script><img src=x onerror=alert(1)>", "a\u2028b\u2029c", "Ġ<b>&amp;"];

function hostileSequence() {
  return { ...encoderDecoder(), source: tokens(HOSTILE[0], HOSTILE[1], HOSTILE[2]), target: tokens(HOSTILE[3], HOSTILE[4], "<!--", "]]>") };
}

const info: AttributionInfo = {
  modelName: "<script>alert('model')</script>",
  modelClass: "GPT2LMHeadModel",
  tokenizerName: null,
  tokenizerClass: "Tokenizer",
  attributionMethod: "integrated_gradients",
  attributedFn: "probability",
  attributedFnArgs: {},
  attributionArgs: { nSteps: 50 },
  stepScores: ["probability"],
  stepScoresArgs: {},
  inputTexts: ["Hello world"],
  generatedTexts: ["Bonjour monde"],
  generationArgs: {},
  attrPosStart: 1,
  attrPosEnd: 3,
  attributeTarget: true,
  includeEosBaseline: false,
  constrainedDecoding: true,
  generateFromTargetPrefix: false,
  outputStepAttributions: false,
  execTime: 1.25,
};

/** The text of the page's `<script>` elements: [JSON data, code]. */
function scripts(html: string): string[] {
  return [...html.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
}

describe("renderHtml", () => {
  it("is one self-contained document with a section, matrix and inline view per sequence", () => {
    const html = renderHtml([encoderDecoder(), decoderOnly3x2()], { title: "My run", info });
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain("<title>My run</title>");
    expect(html.match(/<section class="iq-seq"/g)).toHaveLength(2);
    expect(html).toContain("Source attributions");
    expect(html).toContain("Target attributions");
    expect(html).toContain("Step scores");
    expect(html).toContain("integrated_gradients");
    expect(html).toContain("<dd>{&quot;nSteps&quot;:50}</dd>");
    expect(renderHtml([decoderOnly3x2()], { info: { ...info, attributionArgs: { n: 1n } } })).toContain("<dd>[object Object]</dd>");
    // Readable tokens: ▁ / Ġ shown as spaces.
    expect(html).toContain(">&lt;/s&gt;</th>");
    expect(html).toContain('<th scope="row"> Hello</th>');
    expect(html).toContain('<th scope="row"> cat</th>');
    expect(html).not.toMatch(/[▁Ġ]/);
    // Hover text for each coloured cell: token, generated token and value.
    expect(html).toContain('title="source ‘ world’ → ‘ Bonjour’: -0.250"');
    expect(html).toContain(`background:rgb(${divergingColor(-0.25, Math.fround(0.7))?.join(",")})`);
    // NaN cells blank and uncoloured.
    expect(html).toMatch(/<td class="iq-empty" data-c="1"><\/td>/);
    // Generated tokens and column headers are clickable steps.
    expect(html.match(/class="iq-tok iq-gen" data-step="\d"/g)).toHaveLength(4);
    expect(html.match(/class="iq-col" data-step="\d"/g)).toHaveLength(4);
  });

  it("escapes hostile tokens and run info everywhere", () => {
    const html = renderHtml([hostileSequence()], { info, title: "<script>alert('title')</script>" });
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>");
    expect(html).not.toContain("<!--");
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&quot;&#39;&amp;");
    expect(html).toContain(" &lt;b&gt;&amp;amp;");
    // Text outside tags never holds a raw `<` / `>` / `&` that is not an entity (scripts excluded).
    const outsideScripts = html.replace(/<script[^>]*>[\s\S]*?<\/script>/g, "");
    const text = outsideScripts.replace(/<!DOCTYPE html>/, "").replace(/<\/?[a-z][a-z0-9]*(?:\s+[a-z-]+(?:="[^"<>]*")?)*\s*\/?>/g, "");
    expect(text).not.toMatch(/[<>]/);
    expect(text).not.toMatch(/&(?!(?:amp|lt|gt|quot|#39);)/);
  });

  it("embeds the data as script-safe JSON that round-trips the tokens", () => {
    const html = renderHtml([hostileSequence()]);
    const [json, code] = scripts(html);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    const data = JSON.parse(json) as { sourceTokens: string[]; targetTokens: string[]; source: (number | null)[][]; maxAbs: number }[];
    expect(data[0].sourceTokens).toEqual(HOSTILE.slice(0, 3));
    expect(data[0].targetTokens[0]).toBe("a\u2028b\u2029c");
    expect(data[0].targetTokens[1]).toBe(" <b>&amp;");
    expect(data[0].source[2][1]).toBeNull();
    expect(data[0].maxAbs).toBeCloseTo(0.7, 6);
    expect(() => new Function(code)).not.toThrow();
  });

  it("loads nothing from the network", () => {
    const html = renderHtml([encoderDecoder()], { info });
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\b(?:src|href)\s*=/i);
    expect(html).not.toMatch(/@import|url\(/i);
  });

  it("rejects granular data", () => {
    const granular = withMatrices(decoderOnly3x2(), null, ndarray(new Float32Array(24), [3, 2, 4]));
    expect(() => renderHtml([granular])).toThrowError(InseqError);
    expect(() => renderHtml([granular])).toThrow(/aggregate/);
  });

  it("shades the input tokens by their attribution to a clicked generated token", () => {
    const seq = encoderDecoder();
    const html = renderHtml([seq]);
    const dom = fakeDom(html);
    new Function("document", scripts(html)[1])(dom.document);
    const section = dom.sections[0];
    const span = (kind: string, i: number) => section.elements.find((e) => e.attrs.get("data-kind") === kind && e.attrs.get("data-i") === String(i) && e.tag === "span");
    const header = section.elements.find((e) => e.tag === "th" && e.attrs.get("data-step") === "1");
    // Values come from Float32Arrays: compare with the TypeScript colour map on the same float32 numbers.
    const rgb = (v: number) => `rgb(${divergingColor(Math.fround(v), Math.fround(0.7))?.join(",")})`;
    expect(span("source", 0)?.style.backgroundColor).toBe("");

    section.fire("click", header);
    expect(span("source", 0)?.style.backgroundColor).toBe(rgb(0.1));
    expect(span("source", 1)?.style.backgroundColor).toBe(rgb(0.7));
    expect(span("source", 2)?.style.backgroundColor).toBe(""); // NaN
    expect(span("target", 0)?.style.backgroundColor).toBe(rgb(0.1));
    expect(span("target", 1)?.style.backgroundColor).toBe(rgb(0.1));
    expect(span("target", 2)?.style.backgroundColor).toBe("");
    expect(span("source", 1)?.title).toBe("0.700");
    expect(span("target", 2)?.classes.has("iq-selected")).toBe(true);
    expect(section.status?.textContent).toContain("monde");

    section.fire("click", header); // toggles off
    expect(span("source", 1)?.style.backgroundColor).toBe("");
    expect(span("target", 2)?.classes.has("iq-selected")).toBe(false);

    section.fire("keydown", span("target", 1), { key: "Enter" }); // generated token, by keyboard
    expect(span("source", 1)?.style.backgroundColor).toBe(rgb(-0.25));
    expect(span("target", 0)?.style.backgroundColor).toBe(rgb(0.2));
  });
});

/** A flat element of the fake DOM: enough of the DOM for the page script. */
interface FakeElement {
  tag: string;
  attrs: Map<string, string>;
  classes: Set<string>;
  classList: { toggle(name: string, on: boolean): void };
  style: { backgroundColor: string };
  title: string;
  textContent: string;
  getAttribute(name: string): string | null;
  closest(selector: string): FakeElement | null;
}

/** Whether `el` matches a compound selector like `td[data-c]`, `.iq-tok[data-kind]`, `section.iq-seq`. */
function matches(el: FakeElement, selector: string): boolean {
  const m = /^([a-z0-9]*)((?:\.[\w-]+)*)((?:\[[\w-]+\])*)$/.exec(selector);
  if (!m) throw new Error(`fake DOM: unsupported selector ${selector}`);
  if (m[1] && el.tag !== m[1]) return false;
  for (const c of m[2].split(".").filter(Boolean)) if (!el.classes.has(c)) return false;
  for (const a of m[3].match(/[\w-]+/g) ?? []) if (!el.attrs.has(a)) return false;
  return true;
}

/** Parses the page's start tags into flat per-section element lists (the script needs no tree). */
function fakeDom(html: string) {
  const makeElement = (tag: string, attrText: string): FakeElement => {
    const attrs = new Map([...attrText.matchAll(/([\w-]+)(?:="([^"]*)")?/g)].map((a) => [a[1], a[2] ?? ""]));
    const classes = new Set((attrs.get("class") ?? "").split(/\s+/).filter(Boolean));
    const el: FakeElement = {
      tag,
      attrs,
      classes,
      classList: { toggle: (name, on) => void (on ? classes.add(name) : classes.delete(name)) },
      style: { backgroundColor: "" },
      title: attrs.get("title") ?? "",
      textContent: "",
      getAttribute: (name) => attrs.get(name) ?? null,
      closest: (selector) => (matches(el, selector) ? el : null),
    };
    return el;
  };
  const sections = [...html.matchAll(/<section([^>]*)>([\s\S]*?)<\/section>/g)].map((s) => {
    const el = makeElement("section", s[1]);
    const elements = [...s[2].matchAll(/<([a-z0-9]+)([^>]*)>/g)].map((t) => makeElement(t[1], t[2]));
    const listeners = new Map<string, ((e: unknown) => void)[]>();
    const all = (selector: string) => elements.filter((e) => matches(e, selector));
    return Object.assign(el, {
      elements,
      status: all(".iq-status")[0],
      querySelector: (selector: string) => all(selector)[0] ?? null,
      querySelectorAll: all,
      contains: (node: FakeElement) => elements.includes(node),
      addEventListener: (type: string, fn: (e: unknown) => void) => listeners.set(type, [...(listeners.get(type) ?? []), fn]),
      fire: (type: string, target: FakeElement | undefined, extra: object = {}) => {
        for (const fn of listeners.get(type) ?? []) fn({ target, preventDefault: () => undefined, ...extra });
      },
    });
  });
  const json = /<script type="application\/json" id="iq-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? "";
  const document = {
    getElementById: (id: string) => (id === "iq-data" ? { textContent: json } : null),
    querySelectorAll: (selector: string) => sections.filter((s) => matches(s, selector)),
  };
  return { document, sections };
}
