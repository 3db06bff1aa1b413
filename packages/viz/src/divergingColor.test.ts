import { describe, expect, it } from "vitest";
import { ansiOnBackground, rgbToAnsi256 } from "./ansiColor.js";
import { NEGATIVE_RGB, POSITIVE_RGB, divergingColor, symmetricScale, textColorFor } from "./divergingColor.js";

describe("divergingColor", () => {
  it("is white at 0, full red at +max, full blue at -max, null for NaN", () => {
    expect(divergingColor(0, 2)).toEqual([255, 255, 255]);
    expect(divergingColor(2, 2)).toEqual([...POSITIVE_RGB]);
    expect(divergingColor(-2, 2)).toEqual([...NEGATIVE_RGB]);
    expect(divergingColor(5, 2)).toEqual([...POSITIVE_RGB]);
    expect(divergingColor(Number.NaN, 2)).toBeNull();
    expect(divergingColor(1, 0)).toEqual([255, 255, 255]);
  });

  it("gives ±v the same intensity", () => {
    for (const v of [0.1, 0.37, 0.5, 0.9]) {
      const none = [Number.NaN, Number.NaN, Number.NaN] as const;
      const pos = divergingColor(v, 1) ?? none;
      const neg = divergingColor(-v, 1) ?? none;
      const tPos = (255 - pos[1]) / (255 - POSITIVE_RGB[1]);
      const tNeg = (255 - neg[0]) / (255 - NEGATIVE_RGB[0]);
      expect(Math.abs(tPos - v)).toBeLessThan(0.01);
      expect(Math.abs(tNeg - v)).toBeLessThan(0.01);
    }
  });

  it("symmetricScale is the largest finite |value|", () => {
    expect(symmetricScale([0.2, -0.7, Number.NaN, 0.5, Number.POSITIVE_INFINITY])).toBeCloseTo(0.7, 6);
    expect(symmetricScale([])).toBe(0);
  });

  it("picks readable text colours", () => {
    expect(textColorFor([255, 255, 255])).toEqual([0, 0, 0]);
    expect(textColorFor([0, 0, 80])).toEqual([255, 255, 255]);
  });
});

describe("ANSI colours", () => {
  it("maps RGB to the xterm-256 palette", () => {
    expect(rgbToAnsi256([255, 0, 0])).toBe(196);
    expect(rgbToAnsi256([0, 0, 255])).toBe(21);
    expect(rgbToAnsi256([255, 255, 255])).toBe(231);
    expect(rgbToAnsi256([128, 128, 128])).toBe(244);
  });

  it("wraps text in background / foreground escapes and a reset", () => {
    expect(ansiOnBackground(" x ", [255, 13, 87], "truecolor")).toBe("\x1b[48;2;255;13;87;38;2;0;0;0m x \x1b[0m");
    expect(ansiOnBackground(" x ", [255, 255, 255], "256")).toBe("\x1b[48;5;231;38;5;16m x \x1b[0m");
  });
});
