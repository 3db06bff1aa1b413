import type { BackendChoice, BackendName } from "@inseqjs/backend-tfjs";

/** One model of the playground's list (`models/manifest.json`, generated from the repo's `models/` folder). */
export interface ModelEntry {
  readonly name: string;
  /** Folder URL relative to the page (`models/tiny-gpt2/`). */
  readonly path: string;
  readonly modelType: string;
  readonly isEncoderDecoder: boolean;
  readonly label: string;
  readonly inputTexts: readonly string[];
  readonly generatedTexts: readonly string[];
  readonly files: readonly string[];
}

/** Where the worker reads a model from. */
export type ModelSource =
  | { readonly kind: "url"; readonly name: string; readonly url: string }
  | { readonly kind: "files"; readonly name: string; readonly files: Record<string, Uint8Array> }
  | { readonly kind: "hub"; readonly name: string };

/** What the page asks the worker to attribute. */
export interface RunRequest {
  readonly type: "run";
  readonly runId: number;
  readonly model: ModelSource;
  readonly backend: BackendName | "auto";
  readonly method: string;
  readonly inputTexts: readonly string[];
  /** Empty: generate greedily. */
  readonly generatedTexts: readonly string[];
  readonly stepScores: readonly string[];
  readonly methodOptions: Readonly<Record<string, unknown>>;
}

/** Page → worker messages. `cancelFlag` (hello) is a shared Int32Array the page sets to cancel without a message round trip. */
export type ToWorker = { readonly type: "hello"; readonly cancelFlag?: SharedArrayBuffer } | RunRequest | { readonly type: "cancel"; readonly runId: number };

/** The numbers of one attributed sequence, as shown on the page and compared by the browser tests. */
export interface SequenceNumbers {
  readonly sourceTokens: string[] | null;
  readonly targetTokens: string[];
  /** Aggregated (L2 over hidden, column-normalised) matrices, NaN as null. */
  readonly sourceScores: (number | null)[][] | null;
  readonly targetScores: (number | null)[][] | null;
  readonly stepScores: Record<string, (number | null)[]>;
  /** Raw per-dimension attributions `(len, nSteps, hidden)` flattened, NaN as null, with their shapes. */
  readonly rawSource: { shape: number[]; data: (number | null)[] } | null;
  readonly rawTarget: { shape: number[]; data: (number | null)[] } | null;
}

/** Tensor counts around a run, read in the worker. */
export interface TensorCounts {
  /** After the model was loaded, before attributing. */
  readonly baseline: number;
  /** After the run finished, failed or was cancelled. */
  readonly after: number;
}

/** Worker → page messages. */
export type FromWorker =
  | { readonly type: "ready"; readonly methods: string[]; readonly stepFunctions: string[]; readonly fallbackChain: string[]; readonly crossOriginIsolated: boolean }
  | { readonly type: "status"; readonly runId: number; readonly text: string }
  | { readonly type: "backend"; readonly runId: number; readonly choice: BackendChoice }
  | { readonly type: "progress"; readonly runId: number; readonly step: number; readonly totalSteps: number; readonly elapsedMs: number }
  | {
      readonly type: "result";
      readonly runId: number;
      readonly backend: string;
      readonly html: string;
      readonly json: Uint8Array;
      readonly sequences: SequenceNumbers[];
      readonly tensors: TensorCounts;
      readonly execTimeS: number;
    }
  | { readonly type: "cancelled"; readonly runId: number; readonly tensors: TensorCounts }
  | { readonly type: "error"; readonly runId: number; readonly message: string; readonly code?: string; readonly tensors?: TensorCounts };
