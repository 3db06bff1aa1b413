import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { isInseqError } from "../errors.js";
import { makeStepInputs } from "./makeStepInputs.js";
import { createToyModel, toyIds } from "./toyModel.js";

const vocab = "the cat sat on a mat dog ran far away".split(" ");

beforeAll(async () => {
  await useBackend("cpu");
});

const probs = (logits: tf.Tensor2D): number[][] => {
  const p = tf.softmax(logits);
  const out = p.arraySync() as number[][];
  p.dispose();
  return out;
};

describe("createToyModel", () => {
  it("tokenizes words, maps unknown words to <unk> and is reproducible from its seed", () => {
    const a = createToyModel({ vocab, hiddenSize: 8, seed: 1 });
    const b = createToyModel({ vocab, hiddenSize: 8, seed: 1 });
    const c = createToyModel({ vocab, hiddenSize: 8, seed: 2 });
    expect(a.vocabSize).toBe(13);
    expect(toyIds(a, "the cat zebra")).toEqual([3, 4, 1]);
    expect(a.tokenizer.decode([0, 3, 4], { skipSpecialTokens: true })).toBe("the cat");
    expect(a.tokenizer.convertIdsToTokens([0, 1, 2])).toEqual(["<eos>", "<unk>", "<pad>"]);
    expect(a.vocabularyEmbeddings().arraySync()).toEqual(b.vocabularyEmbeddings().arraySync());
    expect(a.vocabularyEmbeddings().arraySync()).not.toEqual(c.vocabularyEmbeddings().arraySync());
    [a, b, c].forEach((m) => m.dispose());
  });

  it("computes the same next-token distribution for a left-padded row as for the unpadded row", () => {
    const model = createToyModel({ vocab, hiddenSize: 8, seed: 3 });
    const start = tf.memory().numTensors;
    const single = tf.tidy(() => model.forward({ target: { ids: tf.tensor2d([[3, 4, 5]], [1, 3], "int32") } }).logits);
    const padded = tf.tidy(() =>
      model.forward({
        target: { ids: tf.tensor2d([[2, 2, 3, 4, 5], [3, 6, 7, 8, 9]], [2, 5], "int32"), mask: tf.tensor2d([[0, 0, 1, 1, 1], [1, 1, 1, 1, 1]]) },
      }).logits,
    );
    const p1 = probs(single)[0];
    const p2 = probs(padded)[0];
    p1.forEach((p, i) => expect(p2[i]).toBeCloseTo(p, 6));
    // Non-trivial: the prediction depends on the whole prefix, and differs between rows.
    expect(Math.max(...probs(padded)[1].map((p, i) => Math.abs(p - p1[i])))).toBeGreaterThan(1e-3);
    tf.dispose([single, padded]);
    expect(tf.memory().numTensors).toBe(start);
    model.dispose();
  });

  it("depends on the whole prefix and is non-linear in the embeddings", () => {
    const model = createToyModel({ vocab, hiddenSize: 8, seed: 4 });
    const logits = (ids: number[]) =>
      tf.tidy(() => model.forward({ target: { embeds: model.embed(tf.tensor2d([ids], undefined, "int32")) } }).logits.arraySync() as number[][]);
    // Causal: the last position sees the whole prefix, so changing the first token changes the prediction.
    const a = logits([3, 4, 5])[0];
    const b = logits([6, 4, 5])[0];
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeGreaterThan(1e-3);
    // Non-linear: logits along the segment x → 2x are not affine in the scale.
    const at = (s: number) =>
      tf.tidy(() => {
        const x = tf.mul(model.embed(tf.tensor2d([[3, 4, 5]], undefined, "int32")), s) as tf.Tensor3D;
        return (model.forward({ target: { embeds: x } }).logits.arraySync() as number[][])[0][0];
      });
    expect(Math.abs(at(1) + at(3) - 2 * at(2))).toBeGreaterThan(1e-3);
    model.dispose();
  });

  it("captures and overrides named layers, and embeds ids through the embedding layer before embedScale", () => {
    const model = createToyModel({ vocab, hiddenSize: 8, seed: 5, embedScale: 2 });
    expect(model.layerNames()).toEqual(["embed", "layers.0", "layers.1"]);
    tf.tidy(() => {
      const ids = tf.tensor2d([[3, 4, 5]], [1, 3], "int32");
      const out = model.forward({ target: { ids } }, { capture: ["embed", "layers.0", "layers.1:input", "embed:input"] });
      const raw = tf.gather(model.vocabularyEmbeddings(), tf.tensor1d([3, 4, 5], "int32"));
      expect(tf.max(tf.abs(tf.sub(out.captured.embed.squeeze(), raw))).dataSync()[0]).toBe(0);
      expect(tf.max(tf.abs(tf.sub(out.captured["layers.0"], out.captured["layers.1:input"]))).dataSync()[0]).toBe(0);
      // ids path equals the embeds path (embed() applies embedScale once)
      const viaEmbeds = model.forward({ target: { embeds: model.embed(ids) } }).logits;
      expect(tf.max(tf.abs(tf.sub(out.logits, viaEmbeds))).dataSync()[0]).toBeLessThan(1e-6);
      // overriding the embedding output with its own value changes nothing; with zeros it does
      const same = model.forward({ target: { ids } }, { override: { embed: out.captured.embed } }).logits;
      expect(tf.max(tf.abs(tf.sub(out.logits, same))).dataSync()[0]).toBe(0);
      const zero = model.forward({ target: { ids } }, { override: { embed: tf.zerosLike(out.captured.embed) } }).logits;
      expect(tf.max(tf.abs(tf.sub(out.logits, zero))).dataSync()[0]).toBeGreaterThan(1e-3);
    });
    expect(() => model.forward({ target: { ids: tf.tensor2d([[3]], [1, 1], "int32") } }, { capture: ["nope"] })).toThrow(/no layer "nope"/);
    model.dispose();
  });

  it("encoder-decoder: the source is pooled with its mask into every decoder position", () => {
    const model = createToyModel({ vocab, hiddenSize: 8, seed: 6, encoderDecoder: true, embedScale: Math.sqrt(8) });
    expect(model.embeddingLayers).toEqual({ source: "encoder.embed", target: "embed" });
    expect(toyIds(model, "the cat", "source")).toEqual([3, 4, 0]);
    const logits = (src: number[][], srcMask: number[][]) =>
      tf.tidy(() =>
        probs(
          model.forward({
            source: { ids: tf.tensor2d(src, undefined, "int32"), mask: tf.tensor2d(srcMask) },
            target: { ids: tf.tensor2d([[2, 3], [2, 3]], undefined, "int32") },
          }).logits,
        ),
      );
    const a = logits([[3, 4, 0, 2], [3, 4, 0, 2]], [[1, 1, 1, 0], [1, 1, 1, 1]]);
    const b = logits([[3, 4, 0, 7], [5, 6, 0, 2]], [[1, 1, 1, 0], [1, 1, 1, 1]]);
    a[0].forEach((p, i) => expect(b[0][i]).toBeCloseTo(p, 6)); // masked source position is ignored
    expect(Math.max(...a[1].map((p, i) => Math.abs(p - b[1][i])))).toBeGreaterThan(1e-4); // the source matters
    model.dispose();
  });
});

describe("makeStepInputs", () => {
  it("builds padded ids, masks, unk baselines (eos kept) and a forward that tiles copy-major", () => {
    const model = createToyModel({ vocab, hiddenSize: 8, seed: 7 });
    const step = makeStepInputs(model, { targetIds: [[0, 3, 4], [0, 5]], targetTokenIds: [5, 6] });
    expect(step.target.ids.arraySync()).toEqual([[0, 3, 4], [2, 0, 5]]);
    expect(step.target.baselineIds.arraySync()).toEqual([[0, 1, 1], [2, 0, 1]]);
    expect(step.target.mask.arraySync()).toEqual([[1, 1, 1], [0, 1, 1]]);
    expect(step.attributeTarget).toBe(true);
    const start = tf.memory().numTensors;
    tf.tidy(() => {
      const one = step.forward().scores.arraySync() as number[];
      const x = step.target.embeds;
      const b = step.target.baselineEmbeds;
      const two = step.forward({ repeat: 2, targetEmbeds: tf.concat([b, x]) as tf.Tensor3D }).scores.arraySync() as number[];
      expect(two[2]).toBeCloseTo(one[0], 6);
      expect(two[3]).toBeCloseTo(one[1], 6);
      const p = tf.softmax(model.forward({ target: { embeds: x, mask: step.target.mask } }).logits).arraySync() as number[][];
      expect(one[0]).toBeCloseTo(p[0][5], 6);
      expect(one[1]).toBeCloseTo(p[1][6], 6);
      expect(() => step.forward({ repeat: 3, targetEmbeds: x })).toThrow(/expected repeat × batch/);
    });
    expect(tf.memory().numTensors).toBe(start);
    step.dispose();
    model.dispose();
  });

  it("rejects mismatched rows with a typed error", () => {
    const model = createToyModel({ vocab, hiddenSize: 4, seed: 8 });
    try {
      makeStepInputs(model, { targetIds: [[3]], targetTokenIds: [1, 2] });
      expect.unreachable();
    } catch (e) {
      expect(isInseqError(e, "BATCH_MISMATCH")).toBe(true);
    }
    model.dispose();
  });
});
