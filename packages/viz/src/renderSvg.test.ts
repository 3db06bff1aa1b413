import { InseqError, ndarray } from "@inseqjs/core";
import { describe, expect, it } from "vitest";
import { divergingColor } from "./divergingColor.js";
import { renderSvg } from "./renderSvg.js";
import { checkWellFormed } from "./testing/checkWellFormed.js";
import { decoderOnly3x2, encoderDecoder, tokens, withMatrices } from "./testing/sequences.js";

describe("checkWellFormed (the test's own XML check)", () => {
  it("catches what it should", () => {
    expect(() => checkWellFormed("<svg><g></svg>")).toThrow();
    expect(() => checkWellFormed("<svg><text>a < b</text></svg>")).toThrow();
    expect(() => checkWellFormed("<svg><text>a & b</text></svg>")).toThrow();
    expect(() => checkWellFormed('<svg a="1" a="2"></svg>')).toThrow();
    expect(() => checkWellFormed("<svg></svg><svg></svg>")).toThrow();
    expect(checkWellFormed('<svg x="&amp;"><g/><text>&lt;</text></svg>')).toEqual(["svg", "g", "text"]);
  });
});

describe("renderSvg", () => {
  it("is a well-formed standalone SVG with a coloured rect per non-NaN cell", () => {
    const svg = renderSvg(encoderDecoder(), { title: "Hello → Bonjour" });
    const names = checkWellFormed(svg);
    expect(names[0]).toBe("svg");
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    // 5 source + 3 target non-NaN cells, 2 × 3 step-score cells, plus the background rect.
    expect(names.filter((n) => n === "rect")).toHaveLength(5 + 3 + 6 + 1);
    expect(svg).toContain(`fill="rgb(${divergingColor(-0.25, Math.fround(0.7))?.join(",")})"`);
    expect(svg).toContain(">-0.250</text>");
    expect(svg).toContain("<title>source ‘ world’ → ‘ Bonjour’: -0.250</title>");
    expect(svg).toContain(">␣Bonjour</text>");
    expect(svg).toContain(">Hello → Bonjour</text>");
    expect(svg).not.toContain(">NaN<");
  });

  it("writes values only in cells wide enough for them", () => {
    const narrow = renderSvg(decoderOnly3x2(), { cellWidth: 12 });
    checkWellFormed(narrow);
    expect(narrow).not.toMatch(/>\d\.\d{3}<\/text>/);
    expect(narrow).toContain("<title>target ‘The’ → ‘ cat’: 1.000</title>");
    expect(renderSvg(decoderOnly3x2())).toMatch(/>1\.000<\/text>/);
  });

  it("escapes hostile tokens and titles", () => {
    const seq = { ...decoderOnly3x2(), target: tokens("<script>alert(1)</script>", `"'&`, "]]>\u0001\uffff") };
    const svg = renderSvg(seq, { title: "<b>&" });
    checkWellFormed(svg);
    expect(svg).not.toContain("<script");
    expect(svg).not.toContain("<b>");
    expect(svg).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(svg).toContain("&quot;&#39;&amp;");
  });

  it("rejects granular data and bad sizes", () => {
    const granular = withMatrices(encoderDecoder(), ndarray(new Float32Array(12), [3, 2, 2]), null);
    expect(() => renderSvg(granular)).toThrowError(InseqError);
    expect(() => renderSvg(granular)).toThrow(/sourceAttributions is granular.*aggregate/);
    expect(() => renderSvg(decoderOnly3x2(), { cellWidth: 0 })).toThrow(/cellWidth/);
  });
});
