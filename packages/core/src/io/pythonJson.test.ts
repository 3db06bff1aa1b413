import { describe, expect, it } from "vitest";
import { isInseqError } from "../errors.js";
import { parsePythonJson, PyFloat, pythonFloatRepr, stringifyPythonJson } from "./pythonJson.js";

// repr() of these floats, recorded from CPython 3.
const PY_REPRS = [
  "0.089154", "1e-05", "1.5e-07", "1e+16", "123.0", "0.0001", "1234567890123456.8", "1.2345678901234568e+16", "-0.0",
  "1e+22", "0.30000000000000004", "5e-324", "1.7976931348623157e+308", "-2.5e-05", "0.00012345", "9999999999999998.0",
  "3.0517578125e-05", "-2.522753946247637e-223", "-5.674664918136216e+64", "7.654927133881691e-231",
  "2.7715077941825975e-163", "-66926478731690.96", "2.2790121708605243e+274", "1.3383932992236106e+160", "8.445496795513092e-50",
];

// json.dumps(value, indent=4, sort_keys=True) of the object built in the test, recorded from CPython 3.
const PY_DUMP = `{
    "Z": 2,
    "a": [],
    "b": {},
    "c": [
        1,
        {
            "x": null,
            "y": true
        }
    ],
    "k": "caf\\u00e9 \\ud83d\\ude00 \\u007f \\u0001 \\"q\\" \\\\ \\n\\t",
    "n": NaN,
    "\\u00e9": 1
}`;

const PY_DUMP_VALUE = () => ({ k: "café 😀 \u007f \u0001 \"q\" \\ \n\t", é: 1, Z: 2, a: [], b: {}, c: [1, { y: true, x: null }], n: NaN, skipped: undefined });

describe("Python-compatible JSON", () => {
  it("writes floats as Python's repr", () => {
    for (const r of PY_REPRS) expect(pythonFloatRepr(Number(r))).toBe(r);
    expect(pythonFloatRepr(NaN)).toBe("NaN");
    expect(pythonFloatRepr(-Infinity)).toBe("-Infinity");
  });

  it("writes what json.dumps(indent=4, sort_keys=True) writes", () => {
    const value = PY_DUMP_VALUE();
    expect(stringifyPythonJson(value)).toBe(PY_DUMP);
    expect(stringifyPythonJson({ t: new PyFloat(2), i: 2 })).toBe('{\n    "i": 2,\n    "t": 2.0\n}');
  });

  it("writes what json.dumps(sort_keys=True) writes on one line with indent null", () => {
    // json.dumps({"b": [1, 2.5, {"x": None}], "a": {}, "c": [], "n": float("nan"), "t": 2.0}, sort_keys=True)
    const value = { b: [1, 2.5, { x: null }], a: {}, c: [], n: NaN, t: new PyFloat(2) };
    expect(stringifyPythonJson(value, null)).toBe('{"a": {}, "b": [1, 2.5, {"x": null}], "c": [], "n": NaN, "t": 2.0}');
    expect(parsePythonJson(stringifyPythonJson(PY_DUMP_VALUE(), null))).toEqual(parsePythonJson(PY_DUMP));
  });

  it("reads NaN / Infinity literals, but not inside strings", () => {
    expect(parsePythonJson('{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN Infinity"}')).toEqual({ a: NaN, b: [Infinity, -Infinity], c: "NaN Infinity" });
    expect(parsePythonJson(PY_DUMP)).toEqual({ k: "café 😀 \u007f \u0001 \"q\" \\ \n\t", é: 1, Z: 2, a: [], b: {}, c: [1, { x: null, y: true }], n: NaN });
  });

  it("rejects invalid JSON and __proto__ keys with MALFORMED_FILE", () => {
    for (const text of ["", "{", '{"a": nan}', '{"__proto__": {"polluted": true}}', '{"a": [{"__proto__": 1}]}']) {
      try {
        parsePythonJson(text);
        expect.unreachable(text);
      } catch (e) {
        expect(isInseqError(e, "MALFORMED_FILE")).toBe(true);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses values JSON cannot hold", () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => stringifyPythonJson(loop)).toThrow(/circular/);
    expect(() => stringifyPythonJson({ f: () => 1 })).toThrow(/function/);
  });
});
