/**
 * THE place where the memory of an attribution forward + backward is calibrated. Every number here is a count of
 * float32 values, measured (not derived) with `measureAttributionMemory` on random-weight models on the wasm backend
 * — the peak of the bytes the module held for tensors, each buffer counted once — and fitted by least squares (tfjs
 * 4.22). GPT-2: over hidden 128–256, intermediate 384–1536, 2–4 layers, 4–16 heads, batch 1–4, 128–1024 tokens, on
 * the code of issue 14 (chunked attention, optional block recomputation). Llama: re-measured 2026-12-08 over hidden
 * 128–256, intermediate 384–1536, 2–6 layers, 4–16 heads, kv groups 1–3, batch 1–4, 128–1024 tokens, recomputation
 * off and on, on commit 13970e5 (custom-gradient RMSNorm, rotary, split / merge heads, SiLU-gated product) plus the
 * then uncommitted `tf.tidy` around the gradFuncs of linear, matMulNN, attention, heads and recomputeInBackward
 * (see {@link LLAMA_MEMORY}). When the forward changes, re-measure (`memory/memoryCalibration.test.ts` prints the
 * ratios) and update the numbers here only.
 *
 * Units: `hidden` · B·L·H, `intermediate` · B·L·I, `kv` · B·L·(kvHeads·headDim), per block; `attentionWork` ·
 * (heads / kvHeads) · min(chunk, L) · L (the chunked attention loops over batch rows and kv heads, so one group's
 * `(group·chunk, L)` scores are live at a time, whatever the batch); `scores` · B·heads·Lq·Lk; `mask` · B·Lq·Lk;
 * `vocab` · B·V (last-position logits, softmax and their gradients); `weightWork` · H·I (weight-sized temporaries of
 * one block's backward, e.g. the transposed weights of `matMulNN`).
 */

/** Per-token values of one block (see the units above). */
export interface BlockValues {
  readonly hidden: number;
  readonly intermediate: number;
  readonly kv: number;
}

/** How much one architecture family's forward + backward holds. */
export interface ArchitectureMemoryConstants {
  /** Values a taped block keeps for its backward (recomputation off). */
  readonly taped: BlockValues;
  /**
   * GPT-2: the last block computes queries, MLP and projections for the last position only (without hooks); its
   * keys and values still span the input. Replaces one `taped` block when present.
   */
  readonly lastBlock?: BlockValues;
  /** Recomputation on: values kept per block per token (its input) ... */
  readonly recomputeKeptHidden: number;
  /** ... plus the taped working set of the one block being recomputed in the backward. */
  readonly recomputedBlock: BlockValues;
  /** Chunked attention: score-sized values live at once (× group · chunk rows · L). */
  readonly attentionWork: number;
  /** Unchunked attention (short inputs, soft-capped scores, encoder-decoders): score tensors kept per block. */
  readonly scores: number;
  /** Unchunked attention: additive-mask values (causal + padding). */
  readonly mask: number;
  readonly vocab: number;
  readonly weightWork: number;
  /** Whether this family's forward chunks its attention at `attentionChunking.minKeys` tokens and more. */
  readonly chunkedAttention: boolean;
  /** Whether this family's forward honours `recompute`. */
  readonly recomputes: boolean;
}

/**
 * Llama family (Llama, SmolLM, Mistral, Qwen2/3, Gemma, Gemma 2): RMSNorm, rotary, grouped-query attention, gated MLP.
 * Fitted on 66 runs of random SmolLM2-style Llamas (SiLU, tied embeddings, vocab 512–32768): relative residuals
 * −12 % … +16 %, rms 4 % (recompute on −9 … +16 %, off −12 … +7 %; the largest over-estimates are 8 kv heads ×
 * 4 layers at 256 tokens, the largest under-estimates a wide MLP (I = 12 H) at 2 × 256 tokens, where the peak
 * sits in the MLP and not in attention). SmolLM2-135M's shape at 512 tokens, recomputed: 121 MiB measured,
 * 121 MiB fitted. Layer differences measure a taped block at exactly 18 H + 5 I + 7 kv and a recomputed stack at
 * exactly 2 H per block; `taped` is larger because it also carries the stack's per-token costs outside the blocks
 * spread over 2–6 layers (deeper taped stacks are overestimated a little more: 15 % per block at I = 12 H, 2 %
 * at SmolLM2's proportions).
 * Gemma (GeGLU: gelu activations) takes the unfused MLP path (`tf.mul(act(gate), up)`), which keeps 3 more I per
 * token in every taped block and in the recomputed block: 9–19 % more than these numbers on the same shapes (the
 * estimate, × {@link ESTIMATE_MARGIN}, then lands at 0.97–1.05 of the measurement).
 */
export const LLAMA_MEMORY: ArchitectureMemoryConstants = {
  taped: { hidden: 14.5, intermediate: 6.2, kv: 10 },
  recomputeKeptHidden: 2,
  recomputedBlock: { hidden: 4.4, intermediate: 9, kv: 17.6 },
  attentionWork: 8.7,
  // unchunked scores: measured on GPT-2's full attention (same score / mask / softmax pipeline)
  scores: 8,
  mask: 2.3,
  vocab: 8.6,
  // none left at the peak since the gradFuncs tidy their transposed weights (the fit gives 0)
  weightWork: 0,
  chunkedAttention: true,
  recomputes: true,
};

/** GPT-2: LayerNorm, learned positions, fused qkv, gelu_new MLP, truncated last block. */
export const GPT2_MEMORY: ArchitectureMemoryConstants = {
  taped: { hidden: 14.8, intermediate: 7.3, kv: 0 },
  lastBlock: { hidden: 14, intermediate: 3.9, kv: 0 },
  recomputeKeptHidden: 1.5,
  recomputedBlock: { hidden: 10.5, intermediate: 11.2, kv: 0 },
  attentionWork: 7.1,
  scores: 8,
  mask: 2.3,
  vocab: 14.3,
  weightWork: 0.4,
  chunkedAttention: true,
  recomputes: true,
};

/**
 * Marian and the BART family (BART, mBART, M2M-100, NLLB): encoder and decoder blocks with full (unchunked)
 * attention; measured on tiny-marian (hidden 32, 2 + 2 layers) at 32–512 source and target tokens, where one
 * block held 47 values per token per hidden unit (split here as the GPT-2 blocks split it between H and I).
 */
export const ENCODER_DECODER_MEMORY: ArchitectureMemoryConstants & {
  /** Encoder padding mask values (× B·S²). */
  readonly sourceMask: number;
} = {
  taped: { hidden: 35, intermediate: 6, kv: 0 },
  recomputeKeptHidden: 1.5,
  recomputedBlock: { hidden: 35, intermediate: 6, kv: 0 },
  attentionWork: 7.9,
  scores: 7.9,
  mask: 3.6,
  sourceMask: 1.1,
  vocab: 14.3,
  weightWork: 0.4,
  chunkedAttention: false,
  recomputes: false,
};

/**
 * Factor applied to every estimate: the fits above are within ±13 % of the measurements (Llama: −12 % … +16 %;
 * GPT-2's short inputs, where fixed costs dominate, are underestimated most); 1.15 makes the estimate an upper bound
 * of every calibration point (Llama with SiLU; Gemma's unfused GeGLU measures up to 3 % above it).
 */
export const ESTIMATE_MARGIN = 1.15;

/**
 * wasm: the module's heap grows to 1.1–1.27× the peak of the bytes held (emscripten's allocator keeps freed blocks
 * in size classes; measured over the same runs), so an estimate compared with the 4 GiB heap cap adds this share.
 */
export const WASM_ALLOCATOR_OVERHEAD = 0.25;

/**
 * wasm: XNNPACK packs the weight operand of every matMul into its own buffer on first use and caches it while the
 * weight tensor lives — memory of the module that tfjs does not count. Measured: the heap holds about 1.25× the
 * parameter bytes beyond the tensors once a model has run a forward and a backward (random Llama 256/1024 × 8:
 * 40 MB for 32 MB of weights; SmolLM2-135M's shape: ≤ 614 MB for 538 MB), freed with the model.
 */
export const WASM_PACKED_WEIGHTS = 1.25;
