import type { TransformersTokenizer } from "../tokenizer/TransformersTokenizer.js";
import type { TargetLanguageOptions } from "./bart/bartTargetLanguage.js";
import type { WeightSource } from "../weights/WeightSource.js";
import type { TransformersModel } from "./TransformersModel.js";

/** Everything loaded for a model before its architecture builds it. */
export interface ArchitectureParts<C> {
  /** Name or path the model was loaded from. */
  readonly modelName: string;
  readonly config: C;
  readonly tokenizer: TransformersTokenizer;
  readonly weights: WeightSource;
  /** Load options an architecture may read (the target language of multilingual encoder-decoders). */
  readonly loadOptions?: TargetLanguageOptions;
}

/**
 * One Hugging Face `model_type` implemented on TF.js: how to read its `config.json` and build the model. Adding an
 * architecture (Llama, BART, ...) means writing one of these plus its model class, and registering it.
 */
export interface Architecture<C = unknown> {
  /** `config.json`'s `model_type` handled (`gpt2`, `marian`). */
  readonly modelType: string;
  /** Validated, typed config; `MALFORMED_FILE` naming the field on bad values. */
  parseConfig(json: Readonly<Record<string, unknown>>): C;
  /** Builds the model (loads its parameters from `parts.weights`). */
  create(parts: ArchitectureParts<C>): TransformersModel;
}
