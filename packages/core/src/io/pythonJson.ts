import { InseqError, inseqError } from "../errors.js";

/** A number written as a Python float (`2.0`, `1e-05`) even when it is integral; plain integral numbers are written as ints. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16, `.0` on integral values. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = x.toExponential().split("e");
  const exp = Number(expText);
  const sign = mantissa.startsWith("-") ? "-" : "";
  const digits = mantissa.replace("-", "").replace(".", "");
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, "0");
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${e}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac || "0"}`;
}

function quote(s: string): string {
  // json.dumps with ensure_ascii=True: only printable ASCII stays as is.
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x08) out += "\\b";
    else if (c === 0x0c) out += "\\f";
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += s[i];
  }
  return out + '"';
}

/** Orders keys as Python's `sorted` does for `str`: by code point (not UTF-16 unit). */
function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator](), ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next(), y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

function writeNumber(x: number): string {
  if (Number.isInteger(x)) return Math.abs(x) < 1e21 ? String(x) : BigInt(x).toString();
  return pythonFloatRepr(x);
}

/**
 * Serialises `value` exactly as Python's `json.dumps(value, indent=indent, sort_keys=True, allow_nan=True)`
 * (ensure_ascii, `","`/`": "` separators with an indent, NaN/Infinity literals); `indent` null gives Python's
 * one-line form (`", "` / `": "` separators). Integral numbers are written as ints; wrap a number in
 * {@link PyFloat} to write it as a float. `undefined` object values are skipped. Functions, symbols, cycles and
 * `__proto__` keys throw `INVALID_OPTION`: what is written is plain data that {@link parsePythonJson} reads back.
 */
export function stringifyPythonJson(value: unknown, indent: number | null = 4): string {
  const seen = new Set<object>();
  const write = (v: unknown, level: number, path: string): string => {
    if (v === null) return "null";
    if (v instanceof PyFloat) return pythonFloatRepr(v.value);
    switch (typeof v) {
      case "boolean": return v ? "true" : "false";
      case "number": return writeNumber(v);
      case "string": return quote(v);
      case "object": break;
      default: throw inseqError("INVALID_OPTION", `Cannot write ${typeof v} at ${path} as JSON; only plain data (objects, arrays, strings, numbers, booleans, null) can be saved.`);
    }
    const obj = v as object;
    if (seen.has(obj)) throw inseqError("INVALID_OPTION", `Cannot write ${path} as JSON: it contains itself (circular reference).`);
    seen.add(obj);
    // With an indent: items on their own lines; without: Python's one-line ", " separator.
    const pad = indent === null ? "" : "\n" + " ".repeat(indent * (level + 1));
    const end = indent === null ? "" : "\n" + " ".repeat(indent * level);
    const sep = indent === null ? ", " : ",";
    let out: string;
    if (Array.isArray(obj)) {
      out = obj.length === 0 ? "[]" : `[${obj.map((x, i) => pad + write(x, level + 1, `${path}[${i}]`)).join(sep)}${end}]`;
    } else {
      const keys = Object.keys(obj).filter((k) => (obj as Record<string, unknown>)[k] !== undefined).sort(compareCodePoints);
      if (keys.includes("__proto__")) {
        throw inseqError("INVALID_OPTION", `Cannot write ${path} as JSON: it has a "__proto__" key, which load() refuses (prototype pollution); rename or remove that key.`);
      }
      out = keys.length === 0
        ? "{}"
        : `{${keys.map((k) => `${pad}${quote(k)}: ${write((obj as Record<string, unknown>)[k], level + 1, `${path}.${k}`)}`).join(sep)}${end}}`;
    }
    seen.delete(obj);
    return out;
  };
  return write(value, 0, "$");
}

const MARK = "\u0000py:";
const LITERALS = ["NaN", "Infinity", "-Infinity"] as const;

/**
 * Parses JSON written by Python (`NaN`, `Infinity`, `-Infinity` literals allowed). Throws `MALFORMED_FILE` on
 * invalid JSON and on any `__proto__` key, so parsed data can never reach an object prototype.
 */
export function parsePythonJson(text: string): unknown {
  // Turn the non-standard literals outside strings into marked strings, restored by the reviver.
  let src = "";
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    if (c !== "N" && c !== "I" && c !== "-") continue;
    for (const lit of LITERALS) {
      if (text.startsWith(lit, i)) {
        src += `${text.slice(last, i)}"\\u0000py:${lit}"`;
        i += lit.length - 1;
        last = i + 1;
        break;
      }
    }
  }
  src += text.slice(last);
  try {
    return JSON.parse(src, (key, v: unknown) => {
      if (key === "__proto__") throw inseqError("MALFORMED_FILE", 'The file contains a "__proto__" key, which inseq never writes; refusing to load it (possible prototype-pollution attempt).');
      if (typeof v === "string" && v.startsWith(MARK)) {
        const lit = v.slice(MARK.length);
        return lit === "NaN" ? NaN : lit === "Infinity" ? Infinity : lit === "-Infinity" ? -Infinity : v;
      }
      return v;
    });
  } catch (e) {
    if (e instanceof InseqError) throw e;
    throw inseqError("MALFORMED_FILE", `The file is not valid JSON (${(e as Error).message}); pass the text or bytes of a file written by FeatureAttributionOutput.save.`, e);
  }
}
