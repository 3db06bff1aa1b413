// Every InseqError code through the public API on the tiny models (docs/reliability.md): each case asserts the
// stable `code` and that the message names the fix. INTERNAL is the one code no input can reach (it marks a broken
// invariant of inseq.js itself).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  encodeSafetensors, getStepFunction, isInseqError, load, loadModel, parseSafetensorsHeader, readSafetensorsTensor,
  registerStepFunction, setMemoryLimit, type InseqErrorCode, type InseqModel, type SafetensorsInput,
} from "../src/index.js";
import { modelPath } from "./fixtures.js";

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of tiny-gpt2 in a temp folder, changed by `edit(folder)`. */
function brokenModel(edit: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "inseqjs-errors-"));
  temps.push(dir);
  cpSync(modelPath("tiny-gpt2"), dir, { recursive: true });
  edit(dir);
  return dir;
}

/** Awaits `run`, expecting an InseqError with `code` whose message matches every pattern in `fix`. */
async function expectCode(run: Promise<unknown> | (() => unknown), code: InseqErrorCode, ...fix: RegExp[]): Promise<Error> {
  const err = await (typeof run === "function" ? Promise.resolve().then(run) : run).then(() => undefined, (e: unknown) => e);
  expect(isInseqError(err, code), `expected ${code}, got ${String(err)}`).toBe(true);
  for (const pattern of fix) expect((err as Error).message).toMatch(pattern);
  return err as Error;
}

const LONG = Array.from({ length: 70 }, () => "the").join(" ");

describe("every InseqError code through the public API", () => {
  let gpt2: InseqModel;
  let marian: InseqModel;
  beforeAll(async () => {
    gpt2 = await loadModel(modelPath("tiny-gpt2"), "saliency", { backend: "cpu" });
    marian = await loadModel(modelPath("tiny-marian"), "saliency", { backend: "cpu" });
    registerStepFunction("test_nan_fn", (ctx) => tf.mul(tf.sum(ctx.logits, 1), NaN) as tf.Tensor1D, { override: true });
    registerStepFunction("test_inf_score", (ctx) => tf.fill([ctx.logits.shape[0]], Infinity) as tf.Tensor1D, { override: true });
  });
  afterAll(() => {
    gpt2.dispose();
    marian.dispose();
  });

  it("UNKNOWN_METHOD lists the registered methods", async () => {
    await expectCode(loadModel(modelPath("tiny-gpt2"), "integrated_gradient"), "UNKNOWN_METHOD", /integrated_gradients/, /saliency/);
    await expectCode(gpt2.attribute("the cat", { method: "nope", generatedTexts: "the cat sat" }), "UNKNOWN_METHOD", /Registered methods: .*deeplift/);
  });

  it("UNKNOWN_STEP_FUNCTION lists the registered step functions", async () => {
    await expectCode(gpt2.attribute("the cat", { generatedTexts: "the cat sat", stepScores: ["probabilty"] }), "UNKNOWN_STEP_FUNCTION", /probability/, /logit/);
    await expectCode(gpt2.attribute("the cat", { generatedTexts: "the cat sat", attributedFn: "nope" }), "UNKNOWN_STEP_FUNCTION", /Registered step functions/);
    expect(() => getStepFunction("nope")).toThrow(/probability/);
  });

  it("UNKNOWN_AGGREGATOR lists aggregators and aggregation functions", async () => {
    const out = await gpt2.attribute("the cat", { generatedTexts: "the cat sat" });
    await expectCode(() => out.aggregate("nope"), "UNKNOWN_AGGREGATOR", /Aggregators: .*spans/, /sum/);
  });

  it("UNKNOWN_LAYER lists close matches", async () => {
    const err = await expectCode(gpt2.attribute("the cat", { method: "layer_integrated_gradients", generatedTexts: "the cat sat", targetLayer: "transformer.h.9", nSteps: 3 }), "UNKNOWN_LAYER", /transformer\.h\.[01]/);
    expect(err.message.length).toBeLessThan(2000);
  });

  it("UNSUPPORTED_MODEL_TYPE lists the supported model types", async () => {
    const dir = brokenModel((d) => {
      const config = JSON.parse(readFileSync(join(d, "config.json"), "utf8"));
      writeFileSync(join(d, "config.json"), JSON.stringify({ ...config, model_type: "bert" }));
    });
    await expectCode(loadModel(dir, "saliency", { backend: "cpu" }), "UNSUPPORTED_MODEL_TYPE", /"bert"/, /gpt2, marian/, /registerArchitecture/);
  });

  it("MISSING_FILE names the file and how to produce it", async () => {
    await expectCode(loadModel("/no/such/model/folder", "saliency", { backend: "cpu" }), "MISSING_FILE", /does not exist/, /config\.json/);
    const noTokenizer = brokenModel((d) => rmSync(join(d, "tokenizer.json")));
    await expectCode(loadModel(noTokenizer, "saliency", { backend: "cpu" }), "MISSING_FILE", /tokenizer\.json/, /save_pretrained/);
    const noWeights = brokenModel((d) => rmSync(join(d, "model.safetensors")));
    await expectCode(loadModel(noWeights, "saliency", { backend: "cpu" }), "MISSING_FILE", /model\.safetensors/);
  });

  it("NETWORK_UNAVAILABLE when the hub cannot be reached", async () => {
    const offline: typeof fetch = async () => {
      throw new TypeError("fetch failed", { cause: Object.assign(new Error("getaddrinfo ENOTFOUND huggingface.co"), { code: "ENOTFOUND" }) });
    };
    const cacheDir = mkdtempSync(join(tmpdir(), "inseqjs-cache-"));
    temps.push(cacheDir);
    await expectCode(loadModel("someone/some-model", "saliency", { backend: "cpu", fetch: offline, cacheDir }), "NETWORK_UNAVAILABLE", /local folder|connection/i);
  });

  it("MALFORMED_SAFETENSORS for a truncated weight file", async () => {
    const dir = brokenModel((d) => {
      const bytes = readFileSync(join(d, "model.safetensors"));
      writeFileSync(join(d, "model.safetensors"), bytes.subarray(0, bytes.length - 1000));
    });
    await expectCode(loadModel(dir, "saliency", { backend: "cpu" }), "MALFORMED_SAFETENSORS", /Re-download|re-save/);
  });

  it("MALFORMED_FILE for broken JSON files and attribution files", async () => {
    const dir = brokenModel((d) => writeFileSync(join(d, "config.json"), "{ not json"));
    await expectCode(loadModel(dir, "saliency", { backend: "cpu" }), "MALFORMED_FILE", /config\.json/, /Re-download|fix/);
    const badTokenizer = brokenModel((d) => writeFileSync(join(d, "tokenizer.json"), JSON.stringify({ model: { type: "BPE", vocab: { a: 0 }, merges: [7] } })));
    await expectCode(loadModel(badTokenizer, "saliency", { backend: "cpu" }), "MALFORMED_FILE", /tokenizer/, /re-download|re-save/i);
    await expectCode(load('{"__proto__": {"x": 1}}'), "MALFORMED_FILE", /__proto__/);
    await expectCode(load("{}"), "MALFORMED_FILE", /FeatureAttributionOutput/);
  });

  it("GENERATED_TEXT_MISMATCH when a decoder-only generated text does not continue its prompt", async () => {
    await expectCode(gpt2.attribute("the cat", { generatedTexts: "a dog ran" }), "GENERATED_TEXT_MISMATCH", /prompt included/);
  });

  it("EMPTY_INPUT for empty input, generated and contrast texts", async () => {
    await expectCode(gpt2.attribute("  ", { generatedTexts: "the" }), "EMPTY_INPUT", /non-empty/);
    await expectCode(gpt2.attribute([], {}), "EMPTY_INPUT", /non-empty array/);
    await expectCode(marian.attribute("the cat", { generatedTexts: " " }), "EMPTY_INPUT", /omit generatedTexts|model's output/);
    await expectCode(gpt2.attribute("the cat", { generatedTexts: "the cat sat", contrastTargets: "" }), "EMPTY_INPUT", /contrastive text/);
  });

  it("INPUT_TOO_LONG for a text longer than the model's context", async () => {
    await expectCode(gpt2.attribute(LONG, { generatedTexts: `${LONG} cat` }), "INPUT_TOO_LONG", /at most 64/, /shorten/);
    await expectCode(marian.attribute(LONG + " " + LONG), "INPUT_TOO_LONG", /shorten/);
  });

  it("BATCH_MISMATCH for generated texts and contrast targets of another batch size", async () => {
    await expectCode(gpt2.attribute(["the cat", "a dog"], { generatedTexts: ["the cat sat"] }), "BATCH_MISMATCH", /one generated text per input/);
    await expectCode(gpt2.attribute(["the cat", "a dog"], { generatedTexts: ["the cat sat", "a dog ran"], contrastTargets: ["the cat ran"] }), "BATCH_MISMATCH", /one per input/);
  });

  it("NON_FINITE for NaN weights, a NaN attributed function and an infinite step score", async () => {
    const before = tf.memory().numTensors;
    const dir = brokenModel((d) => {
      const bytes = new Uint8Array(readFileSync(join(d, "model.safetensors")));
      const header = parseSafetensorsHeader(bytes);
      const tensors: Record<string, SafetensorsInput> = {};
      for (const [name, e] of header.tensors) {
        const data = readSafetensorsTensor(bytes, header, name);
        if (name === "transformer.ln_f.weight") data[3] = NaN;
        tensors[name] = { dtype: "F32", shape: e.shape, data };
      }
      writeFileSync(join(d, "model.safetensors"), encodeSafetensors(tensors));
    });
    await expectCode(loadModel(dir, "saliency", { backend: "cpu" }), "NON_FINITE", /transformer\.ln_f\.weight/, /re-download|float32/);
    expect(tf.memory().numTensors).toBe(before);
    const err = await expectCode(gpt2.attribute("the cat", { generatedTexts: "the cat sat on", attributedFn: "test_nan_fn" }), "NON_FINITE", /"sat"/, /target position 2/, /attributed function/);
    expect(err.message).toMatch(/Likely causes/);
    await expectCode(marian.attribute("the cat", { generatedTexts: "the cat", stepScores: ["test_inf_score"] }), "NON_FINITE", /step scores "test_inf_score"/, /Infinity/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("INVALID_OPTION for options of the wrong type, naming the option and the expected type", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ generatedTexts: 5 }, /generatedTexts must be a string or an array of strings/],
      [{ generatedTexts: ["the cat sat", 3] }, /generatedTexts/],
      [{ stepScores: "probability" }, /stepScores must be an array of step function ids/],
      [{ stepScores: [1] }, /stepScores/],
      [{ attrPosStart: 1.5 }, /attrPosStart must be an integer/],
      [{ attrPosEnd: "3" }, /attrPosEnd must be an integer/],
      [{ attributedFn: 3 }, /attributedFn must be a step function id/],
      [{ attributedFnArgs: "x" }, /attributedFnArgs must be an object/],
      [{ attributeTarget: "yes" }, /attributeTarget must be true or false/],
      [{ batchSize: 0 }, /batchSize must be an integer ≥ 1/],
      [{ generationArgs: { maxNewTokens: -1 } }, /maxNewTokens/],
      [{ signal: {} }, /signal must be an AbortSignal/],
      [{ onProgress: "log" }, /onProgress must be a function/],
      [{ method: 42 }, /method must be a method id/],
      [{ method: "integrated_gradients", nSteps: "50" }, /nSteps/],
    ];
    for (const [options, pattern] of cases) {
      await expectCode(gpt2.attribute("the cat", { generatedTexts: "the cat sat", ...options } as never), "INVALID_OPTION", pattern);
    }
    await expectCode(gpt2.attribute(42 as never), "INVALID_OPTION", /input texts must be a string or an array of strings/);
    await expectCode(gpt2.attribute(["the cat", null] as never), "INVALID_OPTION", /input texts/);
  });

  it("ABORTED (an AbortError) for an aborted signal", async () => {
    const err = await expectCode(gpt2.attribute("the cat", { generatedTexts: "the cat sat", signal: AbortSignal.abort() }), "ABORTED", /AbortSignal/);
    expect(err.name).toBe("AbortError");
  });

  it("OUT_OF_MEMORY before anything runs when the largest pass cannot fit (a lowered limit here), naming the estimate, the limit and the fixes", async () => {
    setMemoryLimit(64 * 2 ** 10);
    try {
      await expectCode(gpt2.attribute("the cat", { method: "integrated_gradients", generatedTexts: "the cat sat", nSteps: 20 }), "OUT_OF_MEMORY", /estimate /, /the cpu backend can hold 64\.0 KiB \(option\)/, /internalBatchSize/, /another backend/);
      expect(gpt2.state).toBe("ready");
    } finally {
      setMemoryLimit(undefined);
    }
  });
});
