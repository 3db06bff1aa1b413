// Property-based fuzzing of config.json reading (docs/reliability.md). Invariant: a mutated config.json gives a
// validated config (and, loaded with the model's real weights and tokenizer, a working model or an InseqError), or
// an InseqError; never another exception, no case slower than CASE_MS, no tensor left behind by a failed load and
// no allocation far beyond the checkpoint (tf.memory().numBytes bounded).
// Seeded: INSEQJS_FUZZ_SEED / INSEQJS_FUZZ_RUNS override the fixed seed and the run count.
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as tf from "@tensorflow/tfjs-core";
import fc from "fast-check";
import { isInseqError } from "@inseqjs/core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { memoryModelFiles } from "../files/memoryModelFiles.js";
import { loadTransformersModel } from "../loadTransformersModel.js";
import { getArchitecture } from "../models/architectureRegistry.js";

const SEED = Number(process.env.INSEQJS_FUZZ_SEED ?? 20261126);
const RUNS = Number(process.env.INSEQJS_FUZZ_RUNS ?? 2000);
/** Full loads cost ~5 ms each (tiny models): a quarter of the runs. */
const LOAD_RUNS = Math.ceil(RUNS / 4);
const CASE_MS = 10_000;

const root = new URL("../../../../", import.meta.url);
/** Every file of a model folder (one level of subfolders), as memory files. */
function folderFiles(path: string): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  const dir = new URL(path, root);
  for (const name of readdirSync(dir)) {
    if (statSync(new URL(name, dir)).isFile()) out[name] = new Uint8Array(readFileSync(new URL(name, dir)));
  }
  return out;
}
const MODELS = ["models/tiny-gpt2/", "models/tiny-marian/", "test-data/models-arch/llama/", "test-data/models-arch/m2m_100/", "test-data/models-arch/bart/"].map((p) => ({ path: p, files: folderFiles(p) }));
const CONFIGS = MODELS.map((m) => JSON.parse(new TextDecoder().decode(m.files["config.json"])) as Record<string, unknown>);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Edit = { kind: "set"; pick: number; key: string | undefined; value: Json } | { kind: "delete"; pick: number } | { kind: "scale"; pick: number; factor: number };

const number = fc.oneof(
  fc.integer({ min: -4, max: 300 }),
  fc.constantFrom(0, -1, 0.5, 1e-300, 1e300, 2 ** 31, 2 ** 53, 2 ** 64, 1e21, -0),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const value: fc.Arbitrary<Json> = fc.oneof({ weight: 3, arbitrary: number }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> }, { weight: 1, arbitrary: fc.constantFrom<Json>(null, true, "", "gpt2", "marian", "relu", "gelu", [], {}) });
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), pick: fc.nat(), key: fc.option(fc.constantFrom("__proto__", "constructor", "model_type", "rope_scaling", "layer_types", "eos_token_id"), { nil: undefined }), value }),
  fc.record({ kind: fc.constant("delete" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("scale" as const), pick: fc.nat(), factor: fc.constantFrom(0, 2, 0.5, -1, 1e6, 2 ** 20) }),
);

function mutateConfig(base: Record<string, unknown>, edits: readonly Edit[]): Record<string, unknown> {
  const json: Record<string, unknown> = structuredClone(base);
  for (const e of edits) {
    const keys = Object.keys(json);
    const key = e.kind === "set" && e.key !== undefined ? e.key : keys[e.pick % Math.max(1, keys.length)];
    if (key === undefined) continue;
    if (e.kind === "delete") delete json[key];
    else if (e.kind === "scale") json[key] = typeof json[key] === "number" ? (json[key] as number) * e.factor : json[key];
    // an own property even for "__proto__" (an assignment would set the prototype)
    else Object.defineProperty(json, key, { value: e.value, enumerable: true, writable: true, configurable: true });
  }
  return json;
}

/** Parses a config as loadTransformersModel does; "ok" or the error code; rethrows anything but an InseqError. */
function parseCase(json: Record<string, unknown>): string {
  const t0 = performance.now();
  try {
    if (typeof json.model_type !== "string") return "no model_type";
    getArchitecture(json.model_type).parseConfig(json);
    return "ok";
  } catch (e) {
    if (!isInseqError(e)) throw e;
    return e.code;
  } finally {
    expect(performance.now() - t0).toBeLessThan(CASE_MS);
  }
}

describe("config.json under fuzzing: a validated config or an InseqError", () => {
  beforeAll(async () => {
    await useBackend("cpu");
  });

  it("parses every unmutated config (control)", () => {
    for (const c of CONFIGS) expect(parseCase(c)).toBe("ok");
  });

  it(`parseConfig on mutated configs of gpt2 / marian / llama / m2m_100 / bart (${RUNS} cases)`, () => {
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(fc.nat({ max: CONFIGS.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 4 }), (m, edits) => {
        const outcome = parseCase(mutateConfig(CONFIGS[m], edits));
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(outcomes.get("ok") ?? 0).toBeGreaterThan(0);
    expect(outcomes.get("MALFORMED_FILE") ?? 0).toBeGreaterThan(0);
  });

  it(`parseConfig on random JSON objects under each model_type (${RUNS} cases)`, () => {
    const types = CONFIGS.map((c) => c.model_type as string);
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.dictionary(fc.string({ maxLength: 24 }), value, { maxKeys: 12 }), (modelType, json) => {
        parseCase({ ...json, model_type: modelType });
      }),
      { seed: SEED + 1, numRuns: RUNS },
    );
  });

  it(`loadTransformersModel with a mutated config.json and the real weights (${LOAD_RUNS} cases)`, async () => {
    const outcomes = new Map<string, number>();
    const bytesBefore = tf.memory().numBytes;
    const tensorsBefore = tf.memory().numTensors;
    let largest = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: MODELS.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 3 }), async (m, edits) => {
        const t0 = performance.now();
        const files = memoryModelFiles({ ...MODELS[m].files, "config.json": JSON.stringify(mutateConfig(CONFIGS[m], edits)) }, MODELS[m].path);
        let outcome: string;
        try {
          const model = await loadTransformersModel(MODELS[m].path, { files });
          largest = Math.max(largest, tf.memory().numBytes - bytesBefore);
          model.dispose();
          outcome = "ok";
        } catch (e) {
          if (!isInseqError(e)) throw e;
          outcome = e.code;
        }
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        expect(performance.now() - t0).toBeLessThan(CASE_MS);
        expect(tf.memory().numTensors).toBe(tensorsBefore);
      }),
      { seed: SEED + 2, numRuns: LOAD_RUNS },
    );
    console.log(`[config fuzz] full loads: ${JSON.stringify(Object.fromEntries(outcomes))}; largest model ${(largest / 1024).toFixed(0)} KiB`);
    expect(outcomes.get("ok") ?? 0).toBeGreaterThan(0);
    // a loaded model never holds more than a small multiple of the largest checkpoint (~700 KiB): no config-sized tables
    expect(largest).toBeLessThan(64 * 1024 * 1024);
  });

  it("hostile sizes are rejected before anything is allocated", () => {
    const marian = CONFIGS[1];
    const gpt2 = CONFIGS[0];
    const llama = CONFIGS[2];
    const m2m = CONFIGS[3];
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...gpt2, n_layer: 2 ** 40 }, /n_layer.*at most 4096/],
      [{ ...llama, num_hidden_layers: 1e9 }, /num_hidden_layers/],
      [{ ...marian, max_position_embeddings: 2 ** 30 }, /max_position_embeddings/],
      [{ ...marian, max_position_embeddings: 60_000, d_model: 8192, encoder_attention_heads: 8, decoder_attention_heads: 8 }, /max_position_embeddings × d_model/],
      [{ ...m2m, pad_token_id: 2 ** 30 }, /pad_token_id.*below vocab_size/],
      [{ ...gpt2, vocab_size: 2 ** 53 }, /vocab_size/],
      [{ ...gpt2, eos_token_id: 2 ** 40 }, /eos_token_id/],
    ];
    for (const [json, pattern] of cases) expect(() => getArchitecture(json.model_type as string).parseConfig(json)).toThrow(pattern);
  });
});
