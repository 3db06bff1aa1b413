import { benchVocabulary, SPECIAL_WORDS } from "./benchVocabulary.js";
import { mulberry32 } from "./randomNormal.js";

/** Attribution methods the benchmark times. */
export type BenchMethod = "integrated_gradients" | "saliency";

/** The benchmark models: a random-weight distilgpt2-shaped GPT-2 and a random-weight SmolLM2-135M-shaped Llama. */
export type BenchShapeName = "distilgpt2" | "smollm2";
export const BENCH_SHAPES: readonly BenchShapeName[] = ["distilgpt2", "smollm2"];

/** One timed attribution: the same on both sides of the comparison. */
export interface Workload {
  /** Name on the command line (`--workloads`), e.g. `smollm2-saliency-512`. */
  readonly id?: string;
  /** Model it runs on (default `distilgpt2`). */
  readonly shape?: BenchShapeName;
  readonly method: BenchMethod;
  /** Prompt words (decoder-only: attribution starts after them). */
  readonly prompt: string;
  /** Prompt + forced continuation: every continuation word is one attributed step. */
  readonly generated: string;
  /** Integrated gradients: Gauss–Legendre points. */
  readonly nSteps?: number;
  /** Integrated gradients: path points × batch rows per forward. */
  readonly internalBatchSize?: number;
  /**
   * Long workload: one timed run without warm-up nor profiled run, whatever `--repeats`, and the two sides compared
   * on per-step sums only (the full attributions would be tens of MB of JSON).
   */
  readonly long?: boolean;
}

/** Timing of `loadModel` (ours) and `from_pretrained` (PyTorch), each in a fresh process. */
export interface LoadWorkload {
  readonly id: string;
  readonly shape: BenchShapeName;
  readonly kind: "load";
}

/** Anything the bench can time. */
export type BenchItem = Workload | LoadWorkload;

export function isLoad(w: BenchItem): w is LoadWorkload {
  return (w as LoadWorkload).kind === "load";
}

/** The 12-word prompt of the benchmark (every word is in the bench vocabulary). */
export const BENCH_PROMPT = "the quick brown fox jumps over the lazy dog near the river";
/** 6 forced continuation words. */
export const BENCH_CONTINUATION = "and then it ran far away";
/** 5 forced continuation words of the SmolLM2-shaped workloads. */
export const SMOLLM2_CONTINUATION = "and then it ran far";
/** Prompt lengths (tokens) of the SmolLM2-shaped saliency workloads. */
export const SMOLLM2_SALIENCY_LENGTHS = [20, 256, 512, 1024, 2048] as const;
/** Prompt lengths of the SmolLM2-shaped integrated-gradients workloads (nSteps 10, internalBatchSize 10). */
export const SMOLLM2_IG_LENGTHS = [20, 512] as const;
/** Prompts from this many tokens on are {@link Workload.long}. */
export const LONG_PROMPT_TOKENS = 256;

/** The workloads: integrated gradients (20 points, 20 rows per forward) and saliency, on the distilgpt2 shape. */
export function benchWorkloads(nSteps = 20, internalBatchSize = 20): Workload[] {
  const generated = `${BENCH_PROMPT} ${BENCH_CONTINUATION}`;
  return [
    { id: "distilgpt2-ig", shape: "distilgpt2", method: "integrated_gradients", prompt: BENCH_PROMPT, generated, nSteps, internalBatchSize },
    { id: "distilgpt2-saliency", shape: "distilgpt2", method: "saliency", prompt: BENCH_PROMPT, generated },
  ];
}

/**
 * A deterministic prompt of exactly `tokens` words of the bench vocabulary of `vocabSize` (one token each under the
 * word-level tokenizer): it starts with {@link BENCH_PROMPT}'s words and goes on with words drawn from the whole
 * vocabulary (specials excluded) by a generator seeded with `tokens`.
 */
export function benchPrompt(tokens: number, vocabSize: number): string {
  const vocab = benchVocabulary(vocabSize);
  const words = BENCH_PROMPT.split(" ").slice(0, tokens);
  const uniform = mulberry32(tokens);
  const first = SPECIAL_WORDS.length;
  while (words.length < tokens) words.push(vocab[first + Math.floor(uniform() * (vocab.length - first))]);
  return words.join(" ");
}

/** The SmolLM2-shaped workloads: saliency at 20…2048 prompt tokens, IG (10 points, 10 rows) at 20 and 512, 5 forced words each. */
export function smollm2Workloads(vocabSize: number): Workload[] {
  const make = (method: BenchMethod, tokens: number): Workload => {
    const prompt = benchPrompt(tokens, vocabSize);
    const ig = method === "integrated_gradients";
    return {
      id: `smollm2-${ig ? "ig" : "saliency"}-${tokens}`,
      shape: "smollm2",
      method,
      prompt,
      generated: `${prompt} ${SMOLLM2_CONTINUATION}`,
      ...(ig ? { nSteps: 10, internalBatchSize: 10 } : {}),
      ...(tokens >= LONG_PROMPT_TOKENS ? { long: true } : {}),
    };
  };
  return [...SMOLLM2_SALIENCY_LENGTHS.map((n) => make("saliency", n)), ...SMOLLM2_IG_LENGTHS.map((n) => make("integrated_gradients", n))];
}

/** Every item the bench knows, in run order: per shape, the load time first, then the attributions. */
export function allBenchItems(smollm2VocabSize: number, nSteps = 20, internalBatchSize = 20): BenchItem[] {
  return [
    { id: "distilgpt2-load", shape: "distilgpt2", kind: "load" },
    ...benchWorkloads(nSteps, internalBatchSize),
    { id: "smollm2-load", shape: "smollm2", kind: "load" },
    ...smollm2Workloads(smollm2VocabSize),
  ];
}

/** `true` when `id` matches one of the `patterns` (`*` matches any run of characters). */
export function matchesWorkload(id: string, patterns: readonly string[]): boolean {
  const escape = (s: string) => s.replace(/[.+?^$(){}|[\]\\]/g, "\\$&");
  return patterns.some((p) => new RegExp("^" + p.split("*").map(escape).join(".*") + "$").test(id));
}

/**
 * The items to run: those of `shapes` whose id matches `--workloads` (all when none given) and, for attributions,
 * whose method is in `methods`. Throws on a pattern that matches nothing.
 */
export function selectBenchItems(items: readonly BenchItem[], shapes: readonly BenchShapeName[], patterns: readonly string[] | undefined, methods: readonly BenchMethod[]): BenchItem[] {
  for (const p of patterns ?? []) {
    if (!items.some((w) => matchesWorkload(w.id ?? "", [p]))) throw new Error(`--workloads: "${p}" matches none of ${items.map((w) => w.id).join(", ")}.`);
  }
  return items.filter((w) => shapes.includes(w.shape ?? "distilgpt2") && (!patterns || matchesWorkload(w.id ?? "", patterns)) && (isLoad(w) || methods.includes(w.method)));
}

/** Number of attributed (continuation) words of `w`. */
export function attributedSteps(w: Workload): number {
  return w.generated.split(/\s+/).length - w.prompt.split(/\s+/).length;
}

/** Number of prompt words (= tokens under the word-level tokenizer) of `w`. */
export function promptTokens(w: Workload): number {
  return w.prompt.split(/\s+/).length;
}

/** Method options of `w` as inseq.js takes them. */
export function methodOptionsOf(w: Workload): Record<string, unknown> {
  return w.method === "integrated_gradients" ? { nSteps: w.nSteps ?? 50, internalBatchSize: w.internalBatchSize } : {};
}
