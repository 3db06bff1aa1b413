import { describe, expect, it } from "vitest";
import { formatValue } from "./formatValue.js";

describe("formatValue", () => {
  it("fixes decimals, blanks NaN and keeps tiny non-zero values visible", () => {
    expect(formatValue(0.12345, 3)).toBe("0.123");
    expect(formatValue(-0.25, 2)).toBe("-0.25");
    expect(formatValue(0, 3)).toBe("0.000");
    expect(formatValue(Number.NaN, 3)).toBe("");
    expect(formatValue(Number.POSITIVE_INFINITY, 3)).toBe("inf");
    expect(formatValue(-Infinity, 3)).toBe("-inf");
    expect(formatValue(7.256821277223935e-7, 3)).toBe("7.3e-7");
    expect(formatValue(-1.08e-12, 3)).toBe("-1.1e-12");
    expect(formatValue(0.0005, 3)).toBe("0.001");
    expect(formatValue(0.0004, 3)).toBe("4.0e-4");
  });
});
