import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "@inseqjs/backend-tfjs";
import { parseSafetensorsHeader, readSafetensorsTensor } from "@inseqjs/core";
import { mulberry32 } from "@inseqjs/core/testing";
import { TrainableParams } from "./TrainableParams.js";
import { wordLevelTokenizerJson } from "./wordLevelTokenizerJson.js";

beforeAll(async () => {
  await useBackend("cpu");
});

describe("TrainableParams", () => {
  it("writes Hugging Face layouts: as trained, transposed (nn.Linear) or reshaped, names sorted", () => {
    const start = tf.memory().numTensors;
    const p = new TrainableParams(mulberry32(1));
    p.data("b.linear.weight", [2, 3], Float32Array.from([1, 2, 3, 4, 5, 6]), "transposed");
    p.data("a.conv1d.weight", [2, 3], Float32Array.from([1, 2, 3, 4, 5, 6]));
    p.fill("c.bias", [3], 0.5, { reshape: [1, 3] });
    const bytes = p.toSafetensors();
    const header = parseSafetensorsHeader(bytes);
    expect([...header.tensors.keys()]).toEqual(["a.conv1d.weight", "b.linear.weight", "c.bias"]);
    expect(header.tensors.get("b.linear.weight")!.shape).toEqual([3, 2]);
    expect(Array.from(readSafetensorsTensor(bytes, header, "b.linear.weight"))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(readSafetensorsTensor(bytes, header, "a.conv1d.weight"))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(header.tensors.get("c.bias")!.shape).toEqual([1, 3]);
    expect(p.count()).toBe(15);
    p.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe("wordLevelTokenizerJson", () => {
  it("writes the WordLevel + Whitespace layout of the fixture tokenizers, with an optional EOS template", () => {
    const json = wordLevelTokenizerJson(["</s>", "<unk>", "hi"], { specialTokens: ["</s>", "<unk>"], appendToken: "</s>" }) as Record<string, any>;
    expect(json.model).toEqual({ type: "WordLevel", vocab: { "</s>": 0, "<unk>": 1, hi: 2 }, unk_token: "<unk>" });
    expect(json.pre_tokenizer).toEqual({ type: "Whitespace" });
    expect(json.added_tokens.map((t: { id: number }) => t.id)).toEqual([0, 1]);
    expect(json.post_processor.special_tokens["</s>"].ids).toEqual([0]);
    expect(() => wordLevelTokenizerJson(["a", "a"], { specialTokens: [] })).toThrow(/duplicate/);
  });
});
