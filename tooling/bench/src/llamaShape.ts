/** Shape of a Llama (`LlamaForCausalLM`) built by {@link buildRandomLlama}. */
export interface LlamaShape {
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  /** Key/value heads (grouped-query attention when fewer than `numHeads`). */
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly vocabSize: number;
  readonly maxPositions: number;
  readonly ropeTheta: number;
  readonly rmsNormEps: number;
}

/**
 * HuggingFaceTB/SmolLM2-135M's shape (its `config.json`): 30 layers, 576 wide, 9 query heads over 3 key/value heads
 * of 64, SiLU MLP of 1536, 49152-word vocabulary, tied embeddings, RoPE θ 100000, 8192 positions (134.5 M parameters).
 */
export const SMOLLM2_135M_SHAPE: LlamaShape = {
  hiddenSize: 576,
  intermediateSize: 1536,
  numLayers: 30,
  numHeads: 9,
  numKvHeads: 3,
  headDim: 64,
  vocabSize: 49152,
  maxPositions: 8192,
  ropeTheta: 100000,
  rmsNormEps: 1e-5,
};

/** Parameter count of a tied-embedding Llama of `shape` (no biases). */
export function llamaParameterCount(s: LlamaShape): number {
  const q = s.numHeads * s.headDim;
  const kv = s.numKvHeads * s.headDim;
  const layer = s.hiddenSize * q * 2 + s.hiddenSize * kv * 2 + 3 * s.hiddenSize * s.intermediateSize + 2 * s.hiddenSize;
  return s.vocabSize * s.hiddenSize + s.numLayers * layer + s.hiddenSize;
}
