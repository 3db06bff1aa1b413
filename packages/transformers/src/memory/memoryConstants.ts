/**
 * THE place where the memory of an attribution forward + backward is calibrated. Every number here is a count of
 * float32 values, measured (not derived) with `measureAttributionMemory` on random-weight models on the wasm backend
 * — the peak of the bytes the module held for tensors, each buffer counted once — and fitted by least squares over
 * hidden 128–256, intermediate 384–1536, 2–4 layers, 4–16 heads, 1–2 kv groups, batch 1–4, 128–1024 tokens
 * (tfjs 4.22, code of issue 14: chunked attention, optional block recomputation). When the forward changes,
 * re-measure (`memory/memoryCalibration.test.ts` prints the ratios) and update the numbers here only.
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

/** Llama family (Llama, SmolLM, Mistral, Qwen2/3, Gemma, Gemma 2): RMSNorm, rotary, grouped-query attention, gated MLP. */
export const LLAMA_MEMORY: ArchitectureMemoryConstants = {
  taped: { hidden: 43, intermediate: 8.3, kv: 20.5 },
  recomputeKeptHidden: 1.7,
  recomputedBlock: { hidden: 43, intermediate: 8.5, kv: 21 },
  attentionWork: 7.9,
  // unchunked scores: measured on GPT-2's full attention (same score / mask / softmax pipeline)
  scores: 8,
  mask: 2.3,
  vocab: 18,
  weightWork: 6.5,
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
 * Factor applied to every estimate: the fits above are within ±13 % of the measurements (short inputs, where fixed
 * costs dominate, are underestimated most); 1.15 makes the estimate an upper bound of every calibration point.
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
