import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isInseqError } from "../errors.js";
import { encodeSafetensors } from "../safetensors/safetensors.js";
import { encodeBase64 } from "./base64.js";
import { load } from "./load.js";

const FILE = new URL("../../../../test-data/inseq_format/tiny-marian_saliency.json", import.meta.url);
const ORIGINAL = readFileSync(FILE, "utf8");
type Json = Record<string, any>;
const fresh = (): Json => JSON.parse(ORIGINAL);
const seqAttrs = (j: Json): Json => j.attributes.sequence_attributions[0].attributes;

async function expectMalformed(input: string | Uint8Array, pattern?: RegExp): Promise<void> {
  try {
    await load(input);
    expect.unreachable("load should have failed");
  } catch (e) {
    expect(isInseqError(e, "MALFORMED_FILE"), String(e)).toBe(true);
    if (pattern) expect((e as Error).message).toMatch(pattern);
  }
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
}

function mutate(change: (j: Json) => void): string {
  const j = fresh();
  change(j);
  return JSON.stringify(j, null, 4);
}

describe("load rejects malformed and malicious files with MALFORMED_FILE", () => {
  it("loads the untouched file (control)", async () => {
    await expect(load(ORIGINAL)).resolves.toBeDefined();
  });

  it("__proto__ keys anywhere, without polluting any prototype", async () => {
    const inject = (path: string) => ORIGINAL.replace(path, `${path}\n"__proto__": {"polluted": true},`);
    await expectMalformed(inject('"info": {'), /__proto__/);
    await expectMalformed(inject('"attributes": {'), /__proto__/);
    await expectMalformed(inject('"step_scores": {'), /__proto__/);
    await expectMalformed(ORIGINAL.replace('"id": 52,', '"id": 52, "__proto__": {"polluted": true},'), /__proto__/);
    await expectMalformed('{"__proto__": {"polluted": true}}', /__proto__/);
    await expectMalformed('{"constructor": {"prototype": {"polluted": true}}}', /FeatureAttributionOutput/);
  });

  it("wrong top-level shapes and instance types", async () => {
    for (const text of ["", "null", "[]", '"text"', "42", "{}", '{"__instance_type__": ["os", "system"], "attributes": {}}', "{not json"]) {
      await expectMalformed(text);
    }
    await expectMalformed(mutate((j) => (j.__instance_type__ = ["inseq.data.attribution", "Evil"])), /Evil/);
    await expectMalformed(mutate((j) => (j.attributes.sequence_attributions = {})), /sequence_attributions: expected a list/);
    await expectMalformed(mutate((j) => (j.attributes.sequence_attributions[0].__instance_type__ = ["builtins", "FeatureAttributionSequenceOutput"])), /builtins/);
    await expectMalformed(mutate((j) => (j.attributes.sequence_attributions[0].attributes = "x")), /attributes: expected an object/);
  });

  it("wrong field types", async () => {
    await expectMalformed(mutate((j) => (seqAttrs(j).attr_pos_start = "1")), /attr_pos_start: expected an integer/);
    await expectMalformed(mutate((j) => (seqAttrs(j).attr_pos_end = 2.5)), /attr_pos_end/);
    await expectMalformed(mutate((j) => (seqAttrs(j).target = "can house")), /target: expected a list of tokens/);
    await expectMalformed(mutate((j) => (seqAttrs(j).source[0].attributes.id = "52")), /source\[0\]/);
    await expectMalformed(mutate((j) => (seqAttrs(j).target[1].__instance_type__ = ["inseq.utils.typing", "Other"])), /target\[1\]/);
    await expectMalformed(mutate((j) => (seqAttrs(j).step_scores = [])), /step_scores: expected an object/);
    await expectMalformed(mutate((j) => (seqAttrs(j).source_attributions = [[1, 2]])), /source_attributions must be a base64 safetensors string/);
    await expectMalformed(mutate((j) => (j.attributes.info.model_name = 5)), /info.*modelName must be string/);
    await expectMalformed(mutate((j) => (j.attributes.info.step_scores = "probability")), /stepScores/);
    await expectMalformed(mutate((j) => (j.attributes.info = [])), /info: expected an object/);
  });

  it("shapes that do not match the tokens", async () => {
    await expectMalformed(mutate((j) => seqAttrs(j).source.pop()), /source_attributions|sourceAttributions has 8 rows but source has 7 tokens/);
    await expectMalformed(mutate((j) => (seqAttrs(j).attr_pos_start = 2)), /6 columns but attrPosEnd − attrPosStart = 7 − 2 = 5/);
    await expectMalformed(mutate((j) => (seqAttrs(j).attr_pos_end = 9)), /attrPosEnd 9/);
    const wrongScores = encodeBase64(encodeSafetensors({ attribution: { dtype: "F32", shape: [4], data: new Float32Array(4) } }));
    await expectMalformed(mutate((j) => (seqAttrs(j).step_scores.probability = wrongScores)), /stepScores.probability has shape \[4\]/);
  });

  it("bad tensor blobs", async () => {
    await expectMalformed(mutate((j) => (seqAttrs(j).source_attributions = "not base64!")), /not valid base64/);
    await expectMalformed(mutate((j) => (seqAttrs(j).source_attributions = "QUJD=")), /not valid base64/);
    await expectMalformed(mutate((j) => (seqAttrs(j).source_attributions = seqAttrs(j).source_attributions.slice(0, 200))), /source_attributions/);
    await expectMalformed(mutate((j) => (seqAttrs(j).source_attributions = encodeBase64(Uint8Array.from([255, 255, 255, 255, 255, 255, 255, 127])))), /header length/);
    const renamed = encodeBase64(encodeSafetensors({ other: { dtype: "F32", shape: [1], data: new Float32Array(1) } }));
    await expectMalformed(mutate((j) => (seqAttrs(j).step_scores.probability = renamed)), /exactly one tensor named "attribution"/);
  });

  it("bad bytes: corrupt gzip, not UTF-8", async () => {
    await expectMalformed(Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255, 1, 2, 3]), /gzip/);
    await expectMalformed(Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]), /UTF-8/);
  });
});
