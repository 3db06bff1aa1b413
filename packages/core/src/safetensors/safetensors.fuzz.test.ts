// Property-based fuzzing of the safetensors reader (docs/reliability.md). Invariant for every input: parsing either
// gives a header whose every tensor reads back with exactly its element count (and never more bytes than the file
// holds), or throws InseqError MALFORMED_SAFETENSORS; no other exception, no case slower than CASE_MS.
// Seeded: INSEQJS_FUZZ_SEED / INSEQJS_FUZZ_RUNS override the fixed seed and the run count.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isInseqError } from "../errors.js";
import { encodeSafetensors, parseSafetensorsHeader, readSafetensorsTensor } from "./safetensors.js";

const SEED = Number(process.env.INSEQJS_FUZZ_SEED ?? 20261126);
const RUNS = Number(process.env.INSEQJS_FUZZ_RUNS ?? 2000);
const CASE_MS = 10_000;

/** Parses and reads every tensor; returns "ok" or the error code. Rethrows anything that is not an InseqError. */
function readAll(bytes: Uint8Array): string {
  const t0 = performance.now();
  try {
    const header = parseSafetensorsHeader(bytes);
    for (const [name, entry] of header.tensors) {
      const values = readSafetensorsTensor(bytes, header, name);
      const count = entry.shape.reduce((a, b) => a * b, 1);
      expect(values.length).toBe(count);
      // no allocation beyond what the file holds: one float32 per stored element, at least one byte each
      expect(values.length).toBeLessThanOrEqual(bytes.length);
    }
    return "ok";
  } catch (e) {
    if (!isInseqError(e, "MALFORMED_SAFETENSORS")) throw e;
    return e.code;
  } finally {
    expect(performance.now() - t0).toBeLessThan(CASE_MS);
  }
}

const VALID = encodeSafetensors(
  {
    "transformer.wte.weight": { dtype: "F32", shape: [4, 3], data: Float32Array.from({ length: 12 }, (_, i) => i / 7) },
    bias: { dtype: "F16", shape: [5], data: Float32Array.from([1, -2, 0.5, 3, 65504]) },
    codes: { dtype: "I8", shape: [2, 2], data: Float32Array.from([1, -1, 127, -128]) },
    empty: { dtype: "F32", shape: [0, 3], data: new Float32Array(0) },
    fp8: { dtype: "F8_E4M3", shape: [3], data: Float32Array.from([0.25, -448, 2]) },
  },
  { format: "pt" },
);

type Mutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "set"; at: number; value: number }
  | { kind: "truncate"; at: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "delete"; at: number; count: number }
  | { kind: "length"; value: bigint };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant("length" as const), value: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 4096n })) }),
);

function mutate(base: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = Uint8Array.from(base);
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.kind === "length" ? 0 : (m as { at: number }).at % (bytes.length + 1);
    switch (m.kind) {
      case "flip": if (at < bytes.length) bytes[at] ^= 1 << m.bit; break;
      case "set": if (at < bytes.length) bytes[at] = m.value; break;
      case "truncate": bytes = bytes.slice(0, at); break;
      case "insert": bytes = Uint8Array.from([...bytes.subarray(0, at), ...m.bytes, ...bytes.subarray(at)]); break;
      case "delete": bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + m.count)]); break;
      case "length": if (bytes.length >= 8) new DataView(bytes.buffer).setBigUint64(0, m.value, true); break;
    }
  }
  return bytes;
}

/** A file made of `header` (any JSON value) and `dataLength` data bytes. */
function fileWithHeader(header: unknown, dataLength: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  for (let i = 8 + json.length; i < out.length; i++) out[i] = (i * 37) & 0xff;
  return out;
}

const dtype = fc.oneof(fc.constantFrom("F32", "F16", "BF16", "F64", "I64", "I32", "I16", "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2"), fc.string(), fc.constantFrom("toString", "__proto__", "constructor"), fc.jsonValue());
const dim = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: -3, max: 2 ** 40 }), fc.constantFrom(2 ** 53, 2 ** 64, 1.5, -0, NaN), fc.jsonValue());
const entry = fc.oneof(
  fc.record({ dtype, shape: fc.array(dim, { maxLength: 4 }), data_offsets: fc.tuple(fc.integer({ min: -2, max: 300 }), fc.integer({ min: -2, max: 300 })) }),
  fc.record({ dtype, shape: fc.oneof(fc.array(dim, { maxLength: 4 }), fc.jsonValue()), data_offsets: fc.jsonValue() }, { requiredKeys: [] }),
  fc.jsonValue(),
);
const header = fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("__metadata__", "__proto__", "constructor", "prototype")), entry, { maxKeys: 6 });

describe("safetensors reader under fuzzing: a valid header or MALFORMED_SAFETENSORS, nothing else", () => {
  it("reads the unmutated file (control)", () => {
    expect(readAll(VALID)).toBe("ok");
  });

  it(`random bytes (${RUNS} cases)`, () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => void readAll(bytes)), { seed: SEED, numRuns: RUNS });
  });

  it(`random mutations of a valid file (${RUNS} cases)`, () => {
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
        const outcome = readAll(mutate(VALID, ms));
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      { seed: SEED + 1, numRuns: RUNS },
    );
    // the generator reaches both outcomes (a fuzzer that only produced rejections would test little)
    expect(outcomes.get("ok") ?? 0).toBeGreaterThan(0);
    expect(outcomes.get("MALFORMED_SAFETENSORS") ?? 0).toBeGreaterThan(0);
  });

  it(`random JSON headers over random data sections (${RUNS} cases)`, () => {
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(fc.oneof({ weight: 4, arbitrary: header }, { weight: 1, arbitrary: fc.jsonValue() }), fc.integer({ min: 0, max: 300 }), (h, dataLength) => {
        const outcome = readAll(fileWithHeader(h, dataLength));
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      { seed: SEED + 2, numRuns: RUNS },
    );
    expect(outcomes.get("ok") ?? 0).toBeGreaterThan(0);
    expect(outcomes.get("MALFORMED_SAFETENSORS") ?? 0).toBeGreaterThan(0);
  });

  it("hostile headers from the list: each rejected before any allocation of its size", () => {
    const cases: [unknown, number, RegExp][] = [
      [{ t: { dtype: "F32", shape: [2 ** 40, 2 ** 40], data_offsets: [0, 16] } }, 16, /too large|needs/],
      [{ t: { dtype: "F32", shape: [-1, 4], data_offsets: [0, 16] } }, 16, /invalid shape/],
      [{ t: { dtype: "F32", shape: [4], data_offsets: [0, 2 ** 50] } }, 16, /outside/],
      [{ t: { dtype: "F32", shape: [4], data_offsets: [8, 24] } }, 16, /outside/],
      [{ t: { dtype: "F32", shape: [4], data_offsets: [0, 12] } }, 16, /needs 16/],
      [{ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [2], data_offsets: [4, 12] } }, 16, /overlap/],
      [{ t: { dtype: "Q4", shape: [4], data_offsets: [0, 16] } }, 16, /unknown dtype/],
      [{ t: { dtype: "toString", shape: [], data_offsets: [0, 4] } }, 16, /unknown dtype/],
      [[1, 2], 0, /not a JSON object/],
      [{ __metadata__: { a: 1 } }, 0, /__metadata__/],
    ];
    for (const [h, dataLength, pattern] of cases) {
      expect(() => parseSafetensorsHeader(fileWithHeader(h, dataLength))).toThrow(pattern);
    }
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 63n, true);
    expect(() => parseSafetensorsHeader(huge)).toThrow(/exceeds/);
    const pastEnd = Uint8Array.from(VALID.subarray(0, 40));
    expect(() => parseSafetensorsHeader(pastEnd)).toThrow(/past the end/);
    const midTensor = VALID.subarray(0, VALID.length - 3);
    expect(() => parseSafetensorsHeader(midTensor)).toThrow(/outside/);
    expect(() => parseSafetensorsHeader(fileWithHeader({}, 0).subarray(0, 5))).toThrow(/shorter than/);
    expect(() => parseSafetensorsHeader(Uint8Array.from([2, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe]))).toThrow(/UTF-8 JSON/);
    expect(() => parseSafetensorsHeader("not bytes" as unknown as Uint8Array)).toThrow(/Uint8Array/);
  });
});
