import { describe, expect, it } from "vitest";
import { encodeSafetensors, parseSafetensorsHeader, readSafetensorsTensor } from "./safetensors.js";
import { isInseqError } from "../errors.js";

describe("safetensors", () => {
  it("round-trips F32 and F16 tensors", () => {
    const data = Float32Array.from([1, -2.5, 3.25, 0, NaN, 65504]);
    const bytes = encodeSafetensors({ a: { dtype: "F32", shape: [2, 3], data }, b: { dtype: "F16", shape: [6], data } });
    const header = parseSafetensorsHeader(bytes);
    expect(header.tensors.get("a")!.shape).toEqual([2, 3]);
    expect([...readSafetensorsTensor(bytes, header, "a")]).toEqual([...data]);
    expect([...readSafetensorsTensor(bytes, header, "b")]).toEqual([...data]);
  });

  it("reads the blob inseq writes", () => {
    const blob = "SAAAAAAAAAB7ImF0dHJpYnV0aW9uIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOls1XSwiZGF0YV9vZmZzZXRzIjpbMCwyMF19fSAgICAgICBINTQ/UNkCP4AgHD6Na3w/uLJiPw==";
    const bytes = Uint8Array.from(Buffer.from(blob, "base64"));
    const header = parseSafetensorsHeader(bytes);
    const values = readSafetensorsTensor(bytes, header, "attribution");
    expect(values.length).toBe(5);
    expect(values[0]).toBeCloseTo(0.7039, 3);
    // our writer produces the same bytes for the same values
    const again = encodeSafetensors({ attribution: { dtype: "F32", shape: [5], data: values } });
    expect(Buffer.from(again).toString("base64")).toBe(blob);
  });

  it("rejects a header longer than the file", () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setBigUint64(0, 1000n, true);
    try { parseSafetensorsHeader(bytes); expect.unreachable(); } catch (e) { expect(isInseqError(e, "MALFORMED_SAFETENSORS")).toBe(true); }
  });
});
