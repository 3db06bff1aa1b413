import type { FeatureAttributionSequenceOutput } from "@inseqjs/core";
import type { AlignmentLink } from "./alignmentErrorRate.js";

/** Options of {@link argmaxAlignment}. */
export interface ArgmaxAlignmentOptions {
  /** Token ids that are neither aligned from nor to (special tokens such as `</s>`; default none). */
  readonly ignoreIds?: Iterable<number>;
}

/**
 * The alignment an attribution implies: each generated token is linked to its highest-scored input token.
 * Encoder-decoder outputs align to the source tokens; decoder-only outputs to the prompt (the `source` rows of the
 * target attributions). Links are `[inputIndex, generatedIndex]`, `generatedIndex` counting generated tokens from 0
 * (encoder-decoder: without the decoder start; decoder-only: after the prompt). Granular outputs are aggregated first.
 */
export function argmaxAlignment(sequence: FeatureAttributionSequenceOutput, options: ArgmaxAlignmentOptions = {}): AlignmentLink[] {
  const seq = sequence.granular ? sequence.aggregate() : sequence;
  const ignore = new Set(options.ignoreIds ?? []);
  const encoderDecoder = seq.sourceAttributions !== null;
  const scores = encoderDecoder ? seq.sourceAttributions! : seq.targetAttributions!;
  const inputs = encoderDecoder ? seq.source! : seq.target.slice(0, seq.source?.length ?? 0);
  const firstGenerated = encoderDecoder ? 1 : inputs.length;
  const cols = scores.shape[1];
  const links: AlignmentLink[] = [];
  for (let step = 0; step < seq.nSteps; step++) {
    const position = seq.attrPosStart + step;
    if (ignore.has(seq.target[position].id) || position < firstGenerated) continue;
    let best = -1;
    let bestScore = -Infinity;
    inputs.forEach((token, i) => {
      const s = scores.data[i * cols + step];
      if (!ignore.has(token.id) && Number.isFinite(s) && s > bestScore) {
        best = i;
        bestScore = s;
      }
    });
    if (best >= 0) links.push([best, position - firstGenerated]);
  }
  return links;
}
