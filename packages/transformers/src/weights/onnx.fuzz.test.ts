// Property-based fuzzing of the ONNX protobuf reader and the ONNX weight source (docs/reliability.md). Invariant:
// a mutated or random .onnx file gives a weight source whose every tensor reads back with its stated shape, or an
// InseqError; never another exception, no case slower than CASE_MS, no read larger than the file's bytes allow.
// Seeded: INSEQJS_FUZZ_SEED / INSEQJS_FUZZ_RUNS override the fixed seed and the run count.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { isInseqError } from "@inseqjs/core";
import { describe, expect, it } from "vitest";
import { memoryModelFiles } from "../files/memoryModelFiles.js";
import { parseOnnxModel } from "./onnxModelProto.js";
import { openOnnxWeights } from "./onnxWeights.js";

const SEED = Number(process.env.INSEQJS_FUZZ_SEED ?? 20261126);
const RUNS = Number(process.env.INSEQJS_FUZZ_RUNS ?? 2000);
/** Each mutated real file (220 KB) is parsed and every weight read: a quarter of the runs. */
const FILE_RUNS = Math.ceil(RUNS / 4);
const CASE_MS = 10_000;

const root = new URL("../../../../", import.meta.url);
const REAL = new Uint8Array(readFileSync(new URL("test-data/models-arch/onnx-gpt2/onnx/model.onnx", root)));
const EXTERNAL = {
  model: new Uint8Array(readFileSync(new URL("test-data/models-arch/onnx-gpt2-external/onnx/model.onnx", root))),
  data: new Uint8Array(readFileSync(new URL("test-data/models-arch/onnx-gpt2-external/onnx/model.onnx_data", root))),
};

/** Opens the ONNX weights of `files` and reads every tensor; "ok" or the error code. Rethrows anything but an InseqError. */
async function weightsCase(files: Record<string, Uint8Array>): Promise<string> {
  const t0 = performance.now();
  const total = Object.values(files).reduce((n, f) => n + f.length, 0);
  try {
    const source = await openOnnxWeights(memoryModelFiles(files, "fuzz"), { modelType: "gpt2" });
    for (const name of source.names()) {
      const shape = source.shape(name)!;
      const values = source.read(name);
      expect(values.length).toBe(shape.reduce((a, b) => a * b, 1));
      // one float32 per stored element of at least 2 bytes (float16), or per float_data entry: bounded by the input
      expect(values.length).toBeLessThanOrEqual(total);
    }
    return "ok";
  } catch (e) {
    if (!isInseqError(e)) throw e;
    return e.code;
  } finally {
    expect(performance.now() - t0).toBeLessThan(CASE_MS);
  }
}

type Mutation = { kind: "flip"; at: number; bit: number } | { kind: "set"; at: number; value: number } | { kind: "truncate"; at: number } | { kind: "insert"; at: number; bytes: Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: fc.constantFrom(0, 1, 0x7f, 0x80, 0xff, 0x08, 0x0a, 0x12, 0x3a) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }) }),
);

/** Mutations land near the start (graph / node headers) half of the time: the 220 KB file is mostly raw floats. */
function mutate(base: Uint8Array, ms: readonly Mutation[], nearStart: boolean): Uint8Array {
  let bytes = Uint8Array.from(base);
  for (const m of ms) {
    const span = nearStart ? Math.min(bytes.length + 1, 4096) : bytes.length + 1;
    const at = m.at % span;
    if (m.kind === "flip") { if (at < bytes.length) bytes[at] ^= 1 << m.bit; }
    else if (m.kind === "set") { if (at < bytes.length) bytes[at] = m.value; }
    else if (m.kind === "truncate") bytes = bytes.slice(0, at);
    else {
      const out = new Uint8Array(bytes.length + m.bytes.length);
      out.set(bytes.subarray(0, at));
      out.set(m.bytes, at);
      out.set(bytes.subarray(at), at + m.bytes.length);
      bytes = out;
    }
  }
  return bytes;
}

describe("ONNX reader under fuzzing: weights or an InseqError, nothing else", () => {
  it("reads the unmutated files (control)", async () => {
    expect(await weightsCase({ "onnx/model.onnx": REAL })).toBe("ok");
    expect(await weightsCase({ "onnx/model.onnx": EXTERNAL.model, "onnx/model.onnx_data": EXTERNAL.data })).toBe("ok");
  });

  it(`random bytes through parseOnnxModel (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        try {
          parseOnnxModel(bytes, "fuzz");
        } catch (e) {
          if (!isInseqError(e, "MALFORMED_FILE")) throw e;
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it(`mutations of a real GPT-2 export, every weight read (${FILE_RUNS} cases)`, async () => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), async (ms, nearStart) => {
        const outcome = await weightsCase({ "onnx/model.onnx": mutate(REAL, ms, nearStart) });
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      { seed: SEED + 1, numRuns: FILE_RUNS },
    );
    console.log(`[onnx fuzz] ${JSON.stringify(Object.fromEntries(outcomes))}`);
    expect(outcomes.get("ok") ?? 0).toBeGreaterThan(0);
    expect(outcomes.get("MALFORMED_FILE") ?? 0).toBeGreaterThan(0);
  });

  it(`mutations of an export with external data: the model file and the data file (${FILE_RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), async (ms, onModel) => {
        await weightsCase({
          "onnx/model.onnx": onModel ? mutate(EXTERNAL.model, ms, true) : EXTERNAL.model,
          "onnx/model.onnx_data": onModel ? EXTERNAL.data : mutate(EXTERNAL.data, ms, false),
        });
      }),
      { seed: SEED + 2, numRuns: FILE_RUNS },
    );
  });
});
