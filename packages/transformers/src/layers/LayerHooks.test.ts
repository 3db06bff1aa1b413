import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { closestNames, editDistance } from "./closestNames.js";
import { LayerHooks } from "./LayerHooks.js";

describe("closestNames", () => {
  it("ranks by edit distance", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(closestNames("transformer.h.7", ["transformer.wte", "transformer.h.1", "lm_head", "transformer.h.0"], 2)).toEqual(["transformer.h.1", "transformer.h.0"]);
  });
});

describe("LayerHooks", () => {
  beforeAll(async () => { await useBackend("cpu"); });
  const names = ["embed", "shared", "block"];

  it("captures inputs and outputs, overrides outputs, and passes through when nothing is requested", () => {
    tf.tidy(() => {
      const x = tf.tensor1d([1, 2]);
      const idle = new LayerHooks(names, {}, "Toy");
      expect(idle.active).toBe(false);
      expect(idle.module("block", x, (v) => tf.mul(v, 2)).arraySync()).toEqual([2, 4]);
      const hooks = new LayerHooks(names, { capture: ["block:input", "block"], override: { block: tf.tensor1d([7, 7]) } }, "Toy");
      const y = hooks.module("block", x, (v) => tf.mul(v, 2));
      expect(y.arraySync()).toEqual([7, 7]);
      const captured = hooks.finish();
      expect(captured["block:input"].arraySync()).toEqual([1, 2]);
      expect(captured.block.arraySync()).toEqual([7, 7]);
      expect(captured["block:input"]).not.toBe(x);
    });
  });

  it("refuses one module call overridden under two of its names, and layers that never ran", () => {
    tf.tidy(() => {
      const x = tf.tensor1d([1, 2]);
      const twice = new LayerHooks(names, { override: { embed: x, shared: x } }, "Toy");
      expect(() => twice.module(["shared", "embed"], x, (v) => v)).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
      const never = new LayerHooks(names, { capture: ["embed"] }, "Toy");
      expect(() => never.finish()).toThrow(expect.objectContaining({ code: "INVALID_OPTION", message: expect.stringContaining('"embed"') }));
      expect(() => new LayerHooks(names, { capture: ["blok"] }, "Toy")).toThrow(expect.objectContaining({ code: "UNKNOWN_LAYER", message: expect.stringContaining('"block"') }));
    });
  });
});
