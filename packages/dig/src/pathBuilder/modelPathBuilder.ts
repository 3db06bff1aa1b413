import type * as tf from "@tensorflow/tfjs-core";
import type { AttributionModel, InputSide } from "@inseqjs/core";
import { MonotonicPathBuilder } from "./monotonicPathBuilder.js";
import type { KnnCompute } from "./nearestNeighbours.js";
import { createVocabularySpace, type VocabularySpace } from "./vocabularySpace.js";

/** Builder options that a model does not determine. */
export interface ModelPathBuilderOptions {
  readonly nNeighbors?: number;
  readonly knn?: KnnCompute;
  readonly sklearnThreads?: number;
}

// Host copies and builders live as long as the model's embedding tensor (keyed by its data id), so a second run on
// the same model neither re-reads and re-hashes the matrix nor recomputes any neighbour list.
const spaces = new WeakMap<object, Map<number, VocabularySpace>>();
const builders = new WeakMap<VocabularySpace, Map<string, MonotonicPathBuilder>>();

function remembered(matrix: tf.Tensor2D, scale: number): VocabularySpace | undefined {
  return spaces.get(matrix.dataId)?.get(scale);
}

function remember(matrix: tf.Tensor2D, scale: number, data: Float32Array): VocabularySpace {
  const [vocab, hidden] = matrix.shape;
  const space = createVocabularySpace(data, vocab, hidden, scale);
  let byScale = spaces.get(matrix.dataId);
  if (!byScale) spaces.set(matrix.dataId, (byScale = new Map()));
  byScale.set(scale, space);
  return space;
}

function builderFor(model: AttributionModel, matrix: tf.Tensor2D, space: VocabularySpace, options: ModelPathBuilderOptions): MonotonicPathBuilder {
  let byKey = builders.get(space);
  if (!byKey) builders.set(space, (byKey = new Map()));
  const key = `${model.modelName}|${options.nNeighbors ?? 50}|${options.knn ?? "tfjs"}|${options.sklearnThreads ?? 8}`;
  let builder = byKey.get(key);
  if (!builder) {
    builder = new MonotonicPathBuilder(space, { modelId: model.modelName, specialIds: model.tokenizer.specialIds, matrix, ...options });
    byKey.set(key, builder);
  }
  builder.useMatrix(matrix);
  return builder;
}

/** The path builder of a model's `side` vocabulary (× embedScale), reading the embedding matrix asynchronously once. */
export async function modelPathBuilder(model: AttributionModel, side: InputSide, options: ModelPathBuilderOptions = {}): Promise<MonotonicPathBuilder> {
  const matrix = model.vocabularyEmbeddings(side);
  const space = remembered(matrix, model.embedScale) ?? remember(matrix, model.embedScale, (await matrix.data()) as Float32Array);
  return builderFor(model, matrix, space, options);
}

/** Synchronous {@link modelPathBuilder} (reads the matrix with `dataSync` the first time). */
export function modelPathBuilderSync(model: AttributionModel, side: InputSide, options: ModelPathBuilderOptions = {}): MonotonicPathBuilder {
  const matrix = model.vocabularyEmbeddings(side);
  const space = remembered(matrix, model.embedScale) ?? remember(matrix, model.embedScale, matrix.dataSync() as Float32Array);
  return builderFor(model, matrix, space, options);
}
