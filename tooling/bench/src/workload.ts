/** Attribution methods the benchmark times. */
export type BenchMethod = "integrated_gradients" | "saliency";

/** One timed attribution: the same on both sides of the comparison. */
export interface Workload {
  readonly method: BenchMethod;
  /** Prompt words (decoder-only: attribution starts after them). */
  readonly prompt: string;
  /** Prompt + forced continuation: every continuation word is one attributed step. */
  readonly generated: string;
  /** Integrated gradients: Gauss–Legendre points. */
  readonly nSteps?: number;
  /** Integrated gradients: path points × batch rows per forward. */
  readonly internalBatchSize?: number;
}

/** The 12-word prompt of the benchmark (every word is in the bench vocabulary). */
export const BENCH_PROMPT = "the quick brown fox jumps over the lazy dog near the river";
/** 6 forced continuation words. */
export const BENCH_CONTINUATION = "and then it ran far away";

/** The workloads: integrated gradients (20 points, 20 rows per forward) and saliency. */
export function benchWorkloads(nSteps = 20, internalBatchSize = 20): Workload[] {
  const generated = `${BENCH_PROMPT} ${BENCH_CONTINUATION}`;
  return [
    { method: "integrated_gradients", prompt: BENCH_PROMPT, generated, nSteps, internalBatchSize },
    { method: "saliency", prompt: BENCH_PROMPT, generated },
  ];
}

/** Number of attributed (continuation) words of `w`. */
export function attributedSteps(w: Workload): number {
  return w.generated.split(/\s+/).length - w.prompt.split(/\s+/).length;
}

/** Method options of `w` as inseq.js takes them. */
export function methodOptionsOf(w: Workload): Record<string, unknown> {
  return w.method === "integrated_gradients" ? { nSteps: w.nSteps ?? 50, internalBatchSize: w.internalBatchSize } : {};
}
