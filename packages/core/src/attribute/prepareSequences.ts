import { inseqError } from "../errors.js";
import type { AttributionModel } from "../model.js";
import { baselineIds } from "./baselines.js";
import { greedyGenerate, type GreedyGenerateOptions } from "./generate.js";
import type { SequenceContrast } from "./prepareContrast.js";

/** One input sequence made ready for the step loop: ids, baselines and the range of steps to attribute. */
export interface PreparedSequence {
  readonly inputText: string;
  readonly generatedText: string;
  /** Encoder ids (encoder-decoder only). */
  readonly sourceIds?: number[];
  readonly sourceBaselineIds?: number[];
  /** Decoder-only: prompt + generation; encoder-decoder: decoder start + generation (with EOS). */
  readonly targetIds: number[];
  readonly targetBaselineIds: number[];
  /** Prompt tokens of a decoder-only model (its `source` in inseq's output). */
  readonly promptLength: number;
  /** First and one-past-last target index explained. */
  readonly attrPosStart: number;
  readonly attrPosEnd: number;
  /** Tokenized contrastive inputs of the attributed function and of the step scores, when given. */
  readonly contrast?: {
    readonly attributedFn?: SequenceContrast;
    readonly stepScores?: SequenceContrast;
  };
}

/** Options of {@link prepareSequences}. */
export interface PrepareOptions {
  readonly generatedTexts?: readonly string[];
  readonly attrPosStart?: number;
  readonly attrPosEnd?: number;
  readonly includeEosBaseline?: boolean;
  readonly generation?: GreedyGenerateOptions;
  /** Checked before every generated token. */
  readonly signal?: AbortSignal;
}

function startsWith(ids: readonly number[], prefix: readonly number[]): boolean {
  return prefix.length <= ids.length && prefix.every((id, i) => ids[i] === id);
}

function resolveRange(start: number | undefined, end: number | undefined, first: number, length: number): [number, number] {
  // inseq: negative positions count from the end, attr_pos_end is exclusive and clipped to the sequence.
  let s = start ?? first;
  let e = end ?? length;
  if (s < 0) s += length;
  if (e < 0) e += length;
  // an explicit start may reach back into the prompt, but every step needs a non-empty prefix
  s = Math.max(s, start === undefined ? first : 1);
  e = Math.min(e, length);
  if (s >= e) {
    throw inseqError("INVALID_OPTION", `attrPosStart ${start ?? first} / attrPosEnd ${end ?? length} select no generated token (the sequence has positions ${first}..${length - 1} to attribute).`);
  }
  return [s, e];
}

/** Encoder-decoder target prefix: the model's {@link AttributionModel.decoderPrefix}, else `[decoderStart]`. */
export function decoderPrefixIds(model: AttributionModel): number[] {
  const prefix = model.decoderPrefix?.() ?? (model.specialTokens.decoderStart === undefined ? [] : [model.specialTokens.decoderStart]);
  if (prefix.length === 0) throw inseqError("INVALID_OPTION", `${model.modelName} has no decoder_start_token_id; set it in config.json.`);
  return prefix;
}

/**
 * Ids of a generated text after the decoder prefix. Models with a {@link AttributionModel.decoderPrefix} get the
 * text's tokens without the tokenizer's template (which may add a source-language code) plus EOS, as Hugging Face
 * builds labels with `text_target`; other models the tokenizer's encoding (Marian appends `</s>`).
 */
export function encodeGeneratedTarget(model: AttributionModel, text: string): number[] {
  const { eos } = model.specialTokens;
  if (!model.decoderPrefix || eos === undefined) return model.tokenizer.encode(text);
  return [...model.tokenizer.encode(text, { addSpecialTokens: false }), eos];
}

/**
 * Tokenizes inputs and generated texts (generating greedily where none is given), builds baseline ids and the
 * attributed step range of every sequence, and checks every input against the model's limits.
 */
export async function prepareSequences(model: AttributionModel, inputTexts: readonly string[], options: PrepareOptions): Promise<PreparedSequence[]> {
  const { tokenizer, specialTokens } = model;
  const generated = options.generatedTexts;
  if (generated && generated.length !== inputTexts.length) {
    throw inseqError("BATCH_MISMATCH", `Got ${inputTexts.length} input texts but ${generated.length} generated texts; pass one generated text per input (or none to generate).`);
  }
  const out: PreparedSequence[] = [];
  for (let i = 0; i < inputTexts.length; i++) {
    const inputText = inputTexts[i];
    if (typeof inputText !== "string" || inputText.trim() === "") {
      throw inseqError("EMPTY_INPUT", `Input text ${i} is empty; give a non-empty prompt to attribute.`);
    }
    const check = (ids: number[], what: string) => {
      if (ids.length > model.maxPositions) {
        throw inseqError("INPUT_TOO_LONG", `${what} of sequence ${i} has ${ids.length} tokens but ${model.modelName} accepts at most ${model.maxPositions}; shorten the text.`);
      }
    };
    if (model.isEncoderDecoder) {
      const sourceIds = tokenizer.encode(inputText);
      check(sourceIds, "The input");
      const prefix = decoderPrefixIds(model);
      let targetIds: number[];
      if (generated) {
        if (generated[i].trim() === "") throw inseqError("EMPTY_INPUT", `Generated text ${i} is empty; pass the model's output text or omit generatedTexts to generate it.`);
        targetIds = [...prefix, ...encodeGeneratedTarget(model, generated[i])];
      } else {
        targetIds = await greedyGenerate(model, { sourceIds, prefix }, options.generation, options.signal);
      }
      check(targetIds, "The generated text");
      const [s, e] = resolveRange(options.attrPosStart, options.attrPosEnd, prefix.length, targetIds.length);
      out.push({
        inputText,
        generatedText: generated ? generated[i] : tokenizer.decode(targetIds.slice(prefix.length), { skipSpecialTokens: true }),
        sourceIds,
        sourceBaselineIds: baselineIds(sourceIds, specialTokens, { includeEosBaseline: options.includeEosBaseline }),
        targetIds,
        targetBaselineIds: baselineIds(targetIds, specialTokens, { includeEosBaseline: options.includeEosBaseline, keepPositions: prefix.map((_, j) => j) }),
        promptLength: 0,
        attrPosStart: s,
        attrPosEnd: e,
      });
    } else {
      const promptIds = tokenizer.encode(inputText);
      check(promptIds, "The input");
      let targetIds: number[];
      if (generated) {
        targetIds = tokenizer.encode(generated[i]);
        if (!startsWith(targetIds, promptIds)) {
          throw inseqError(
            "GENERATED_TEXT_MISMATCH",
            `Generated text ${i} does not start with its input text (decoder-only models continue the prompt): input "${inputText}" vs generated "${generated[i]}". Pass the full text, prompt included, as generatedTexts.`,
          );
        }
      } else {
        targetIds = await greedyGenerate(model, { prefix: promptIds }, options.generation, options.signal);
      }
      check(targetIds, "The generated text");
      const [s, e] = resolveRange(options.attrPosStart, options.attrPosEnd, promptIds.length, targetIds.length);
      out.push({
        inputText,
        generatedText: generated ? generated[i] : tokenizer.decode(targetIds, { skipSpecialTokens: true }),
        targetIds,
        targetBaselineIds: baselineIds(targetIds, specialTokens, { includeEosBaseline: options.includeEosBaseline }),
        promptLength: promptIds.length,
        attrPosStart: s,
        attrPosEnd: e,
      });
    }
  }
  return out;
}
