import type { SpecialTokenIds } from "../model.js";

/** Options of {@link baselineIds}. */
export interface BaselineOptions {
  /** Replace EOS tokens by the baseline token too (inseq's `include_eos_baseline`; default false). */
  readonly includeEosBaseline?: boolean;
  /** Positions whose id is kept as is (the decoder start of encoder-decoder targets). */
  readonly keepPositions?: readonly number[];
}

/** The baseline token: UNK, or PAD where the model has no UNK (inseq's choice). */
export function baselineTokenId(special: SpecialTokenIds): number {
  const id = special.unk ?? special.pad;
  if (id === undefined) throw new Error("The model has neither an UNK nor a PAD token to build baselines from; pass explicit baselines.");
  return id;
}

/**
 * inseq's default baseline ids: every position becomes UNK (PAD if no UNK), except positions holding EOS, which
 * keep EOS unless `includeEosBaseline`, and the `keepPositions`.
 */
export function baselineIds(ids: readonly number[], special: SpecialTokenIds, options: BaselineOptions = {}): number[] {
  const base = baselineTokenId(special);
  const keep = new Set(options.keepPositions ?? []);
  return ids.map((id, i) => {
    if (keep.has(i)) return id;
    if (!options.includeEosBaseline && special.eos !== undefined && id === special.eos) return id;
    return base;
  });
}
