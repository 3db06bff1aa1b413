import { crossentropy, entropy, logit, perplexity, probability } from "./builtinStepFunctions.js";
import { contrastLogits, contrastLogitsDiff, contrastProb, contrastProbDiff, inContextPvi, pcxmi } from "./contrastStepFunctions.js";
import { klDivergence } from "./klDivergence.js";
import type { StepFunction } from "./stepFunction.js";
import { topPSize } from "./topPSize.js";

/** A registered step function: the function, a one-line description, and how aggregators merge its scores. */
export interface StepFunctionEntry {
  readonly fn: StepFunction;
  readonly description: string;
  /**
   * Aggregation function id per aggregator family, used when tokens are merged (`{ spans: "prod" }`: the
   * probability of a merged span is the product of its tokens'); inseq's `aggregate_map`.
   */
  readonly aggregateMap: Readonly<Record<string, string>>;
}

/** inseq's built-in step functions by id, with inseq's span-merging rules (`DEFAULT_ATTRIBUTION_AGGREGATE_DICT`). */
export const BUILTIN_STEP_FUNCTIONS: Readonly<Record<string, StepFunctionEntry>> = {
  logit: { fn: logit, description: "logit of the target token", aggregateMap: {} },
  probability: { fn: probability, description: "softmax probability of the target token (logprob: log-probability)", aggregateMap: { spans: "prod" } },
  entropy: { fn: entropy, description: "entropy of the next-token distribution (nats)", aggregateMap: { spans: "sum" } },
  crossentropy: { fn: crossentropy, description: "cross entropy of the target token, −log p (nats)", aggregateMap: { spans: "sum" } },
  perplexity: { fn: perplexity, description: "2 ** crossentropy, as inseq", aggregateMap: { spans: "prod" } },
  contrast_logits: { fn: contrastLogits, description: "logit of the contrast target given the contrast inputs", aggregateMap: {} },
  contrast_prob: { fn: contrastProb, description: "probability of the contrast target given the contrast inputs (logprob)", aggregateMap: { spans: "prod" } },
  contrast_logits_diff: { fn: contrastLogitsDiff, description: "target logit minus contrast logit", aggregateMap: {} },
  contrast_prob_diff: { fn: contrastProbDiff, description: "target probability minus contrast probability (logprob)", aggregateMap: { spans: "prod" } },
  pcxmi: { fn: pcxmi, description: "pointwise conditional cross-mutual information (bits)", aggregateMap: { spans: "sum" } },
  kl_divergence: { fn: klDivergence, description: "KL divergence between original and contrast next-token distributions (topK, topP)", aggregateMap: { spans: "sum" } },
  in_context_pvi: { fn: inContextPvi, description: "in-context pointwise V-usable information (nats)", aggregateMap: {} },
  top_p_size: { fn: topPSize, description: "number of tokens in the top-p nucleus (topP)", aggregateMap: {} },
};
