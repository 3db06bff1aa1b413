import { InseqError, ndarray } from "@inseqjs/core";
import { describe, expect, it } from "vitest";
import { displayWidth } from "./displayWidth.js";
import { NEGATIVE_RGB, POSITIVE_RGB } from "./divergingColor.js";
import { renderTerminalHeatmap } from "./renderTerminalHeatmap.js";
import { decoderOnly, decoderOnly3x2, encoderDecoder, tokens, withMatrices } from "./testing/sequences.js";

const ESC = "\x1b";

describe("renderTerminalHeatmap, plain text", () => {
  it("renders the 3×2 decoder-only case exactly", () => {
    const text = renderTerminalHeatmap(decoderOnly3x2(), { color: false, width: 100, title: "demo" });
    expect(text).toBe(
      [
        "demo",
        "            │  ␣cat   ␣sat",
        "────────────┼──────────────",
        "The         │ 1.000  0.250",
        "␣cat        │        0.750",
        "␣sat        │",
        "────────────┼──────────────",
        "probability │ 0.500  0.125",
      ].join("\n"),
    );
  });

  it("renders source rows, a rule, target rows and every step score (2-D deltas as one row per column)", () => {
    const text = renderTerminalHeatmap(encoderDecoder(), { color: false, width: 100 });
    expect(text).toBe(
      [
        "            │ ␣Bonjour  ␣monde",
        "────────────┼──────────────────",
        "␣Hello      │    0.500   0.100",
        "␣world      │   -0.250   0.700",
        "</s>        │    0.050",
        "────────────┼──────────────────",
        "<pad>       │    0.200   0.100",
        "␣Bonjour    │            0.100",
        "␣monde      │",
        "</s>        │",
        "────────────┼──────────────────",
        "probability │    0.900   0.450",
        "deltas[0]   │    0.001   0.003",
        "deltas[1]   │   -0.002   0.004",
      ].join("\n"),
    );
  });

  it("leaves NaN cells (tokens outside the prefix) blank", () => {
    const lines = renderTerminalHeatmap(decoderOnly3x2(), { color: false, width: 100 }).split("\n");
    expect(lines.find((l) => l.startsWith("␣sat"))).toBe("␣sat        │");
    expect(lines.join("\n")).not.toMatch(/nan/i);
  });

  it("honours decimals", () => {
    const text = renderTerminalHeatmap(decoderOnly3x2(), { color: false, width: 100, decimals: 1 });
    expect(text.split("\n")[2]).toBe("The         │  1.0   0.3");
  });

  it("wraps wide tables into column blocks that repeat the row labels", () => {
    const names = ["The", ...Array.from({ length: 12 }, (_, i) => `Ġw${i}`)];
    const seq = decoderOnly(names, 1);
    const text = renderTerminalHeatmap(seq, { color: false, width: 40 });
    const blocks = text.split("\n\n");
    expect(blocks).toHaveLength(3);
    for (const line of text.split("\n")) expect(displayWidth(line)).toBeLessThanOrEqual(40);
    const headerTokens = blocks.flatMap((b) => b.split("\n")[0].split("│")[1].trim().split(/\s+/));
    expect(headerTokens).toEqual(names.slice(1).map((n) => n.replace("Ġ", "␣")));
    for (const block of blocks) {
      const labels = block.split("\n").slice(2).map((l) => l.split("│")[0].trim());
      expect(labels).toEqual(["The", ...names.slice(1).map((n) => n.replace("Ġ", "␣"))]);
    }
    // Unwrapped at a generous width.
    expect(renderTerminalHeatmap(seq, { color: false, width: 200 }).split("\n\n")).toHaveLength(1);
  });

  it("puts one column per block when even one column does not fit", () => {
    const seq = decoderOnly(["a", "b", "c", "d"], 1);
    expect(renderTerminalHeatmap(seq, { color: false, width: 5 }).split("\n\n")).toHaveLength(3);
  });

  it("shows tokens readably, truncates long ones and keeps columns aligned with wide characters", () => {
    const seq = {
      ...decoderOnly3x2(),
      target: tokens("ĠSupercalifragilistic", "Ċ", "ĠæĹ¥æľ¬") // byte-level " 日本",
    };
    const text = renderTerminalHeatmap(seq, { color: false, width: 100, maxTokenLength: 8 });
    expect(text).toContain("␣Superc…");
    expect(text).toContain("⏎");
    expect(text).toContain("␣日本");
    const bar = text.split("\n").filter((l) => l.includes("│")).map((l) => displayWidth(l.slice(0, l.indexOf("│"))));
    expect(new Set(bar).size).toBe(1);
  });

  it("never lets a token write control characters to the terminal", () => {
    const seq = { ...decoderOnly3x2(), target: tokens(`${ESC}[31mred`, "a\u0007", "\u009b2J") };
    const text = renderTerminalHeatmap(seq, { color: false, width: 100 });
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain("␛[31mred");
  });
});

/** The truecolor cells of a rendering: background and text. */
function cells(text: string): { rgb: number[]; text: string; line: number }[] {
  const out: { rgb: number[]; text: string; line: number }[] = [];
  text.split("\n").forEach((line, i) => {
    for (const m of line.matchAll(/\x1b\[48;2;(\d+);(\d+);(\d+);38;2;\d+;\d+;\d+m([^\x1b]*)\x1b\[0m/g)) {
      out.push({ rgb: [Number(m[1]), Number(m[2]), Number(m[3])], text: m[4].trim(), line: i });
    }
  });
  return out;
}

/** How far a background is from white towards the end colour of its sign, 0..1. */
const intensity = (rgb: number[], positive: boolean): number => {
  const end = positive ? POSITIVE_RGB : NEGATIVE_RGB;
  const channel = positive ? 1 : 0;
  return (255 - rgb[channel]) / (255 - end[channel]);
};

describe("renderTerminalHeatmap, colours", () => {
  const seq = {
    ...decoderOnly(["a", "b", "c", "d"], 2),
    targetAttributions: ndarray([0.4, -0.8, -0.4, 0.8, NaN, 0, NaN, NaN], [4, 2]),
  };

  it("uses a symmetric diverging scale: ±v get the same intensity, red positive, blue negative", () => {
    const text = renderTerminalHeatmap(seq, { color: "truecolor", width: 100 });
    const byText = new Map(cells(text).filter((c) => c.line < 6).map((c) => [c.text, c.rgb]));
    expect(byText.get("0.800")).toEqual([...POSITIVE_RGB]);
    expect(byText.get("-0.800")).toEqual([...NEGATIVE_RGB]);
    expect(byText.get("0.000")).toEqual([255, 255, 255]);
    const pos = intensity(byText.get("0.400") ?? [], true);
    const neg = intensity(byText.get("-0.400") ?? [], false);
    expect(pos).toBeCloseTo(0.5, 2);
    expect(neg).toBeCloseTo(0.5, 2);
    // The scale is symmetric even when the data are not: max |v| sets both ends.
    const skewed = { ...seq, targetAttributions: ndarray([0.2, -0.8, 0, 0.1, NaN, 0, NaN, NaN], [4, 2]) };
    const sk = new Map(cells(renderTerminalHeatmap(skewed, { color: "truecolor", width: 100 })).map((c) => [c.text, c.rgb]));
    expect(sk.get("-0.800")).toEqual([...NEGATIVE_RGB]);
    expect(intensity(sk.get("0.200") ?? [], true)).toBeCloseTo(0.25, 2);
  });

  it("colours no NaN cell and adds a legend", () => {
    const text = renderTerminalHeatmap(seq, { color: "truecolor", width: 100 });
    const cLine = text.split("\n").find((l) => l.startsWith("c "));
    expect(cLine?.split(`${ESC}[48;`).length).toBe(2); // only the 0.000 cell
    expect(text).toMatch(/scale -0\.800 .* \+0\.800$/);
  });

  it("writes 256-colour escapes in 256 mode and none with color false", () => {
    expect(renderTerminalHeatmap(seq, { color: "256", width: 100 })).toMatch(/\x1b\[48;5;\d+;38;5;\d+m/);
    expect(renderTerminalHeatmap(seq, { color: false, width: 100 })).not.toContain(ESC);
  });

  it("accepts a fixed scale", () => {
    const text = renderTerminalHeatmap(seq, { color: "truecolor", width: 100, scale: 1.6 });
    const byText = new Map(cells(text).map((c) => [c.text, c.rgb]));
    expect(intensity(byText.get("0.800") ?? [], true)).toBeCloseTo(0.5, 2);
  });
});

describe("renderTerminalHeatmap, bad input", () => {
  it("rejects granular (3-D) attributions, telling to aggregate first", () => {
    const granular = withMatrices(decoderOnly3x2(), null, ndarray(new Float32Array(3 * 2 * 4), [3, 2, 4]));
    expect(() => renderTerminalHeatmap(granular, { color: false })).toThrowError(InseqError);
    expect(() => renderTerminalHeatmap(granular, { color: false })).toThrow(/granular.*aggregate/);
    try {
      renderTerminalHeatmap(granular);
    } catch (e) {
      expect((e as InseqError).code).toBe("INVALID_OPTION");
    }
  });

  it("rejects mismatched shapes, missing attributions and bad options", () => {
    const seq = decoderOnly3x2();
    expect(() => renderTerminalHeatmap(withMatrices(seq, null, ndarray([1, 2], [2, 1])), { color: false })).toThrow(/2 rows but the sequence has 3 tokens/);
    expect(() => renderTerminalHeatmap(withMatrices(seq, null, null), { color: false })).toThrow(/neither sourceAttributions nor targetAttributions/);
    expect(() => renderTerminalHeatmap({ ...seq, attrPosStart: 2 }, { color: false })).toThrow(/attrPosStart/);
    expect(() => renderTerminalHeatmap({ ...seq, stepScores: { probability: ndarray([1, 2, 3], [3]) } }, { color: false })).toThrow(/step score "probability"/);
    expect(() => renderTerminalHeatmap(withMatrices(encoderDecoder(), ndarray(new Float32Array(3), [3, 1]), encoderDecoder().targetAttributions))).toThrow(/columns/);
    expect(() => renderTerminalHeatmap(seq, { decimals: -1 })).toThrow(InseqError);
    expect(() => renderTerminalHeatmap(seq, { width: Number.NaN })).toThrow(/width/);
  });
});
