import { describe, expect, it } from "vitest";
import { hashFloat32Array } from "./hashFloat32.js";

describe("hashFloat32Array", () => {
  // Expected digests: xxHash32 (seeds 0 and 1) of the little-endian float32 bytes, from a reference implementation
  // of the xxHash spec (it also gives the published XXH32("", 0) = 02cc5d05).
  it.each([
    [[], "02cc5d050b2cb792"],
    [[1.5], "a9d25f4e019945f7"],
    [[0.1, 0.2, 0.3, -4.0, 5e-8, 7], "983a73605abb2e10"],
    [Array.from({ length: 37 }, (_, i) => Math.fround(i) * Math.fround(0.37)), "3c8d1218b9377ec0"],
  ])("hashes %j to the xxHash32 pair", (values, digest) => {
    expect(hashFloat32Array(Float32Array.from(values))).toBe(digest);
  });

  it("changes with any single bit and respects subarray views", () => {
    const a = Float32Array.from({ length: 1001 }, (_, i) => Math.sin(i));
    const base = hashFloat32Array(a);
    for (const i of [0, 500, 999, 1000]) {
      const b = a.slice();
      new Uint32Array(b.buffer)[i] ^= 1;
      expect(hashFloat32Array(b)).not.toBe(base);
    }
    const padded = new Float32Array(1003);
    padded.set(a, 2);
    expect(hashFloat32Array(padded.subarray(2))).toBe(base);
  });
});
