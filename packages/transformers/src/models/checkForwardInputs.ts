import { inseqError } from "@inseqjs/core";
import type { AttributionModel, ForwardInputs, ForwardStream, InputSide } from "@inseqjs/core";

function checkStream(stream: ForwardStream | undefined, side: InputSide, model: AttributionModel): number {
  if (!stream || (!stream.embeds && !stream.ids)) {
    throw inseqError("EMPTY_INPUT", `${model.modelClass}.forward: the ${side} stream needs embeds or ids.`);
  }
  let shape: readonly number[];
  if (stream.embeds) {
    shape = stream.embeds.shape;
    if (stream.embeds.rank !== 3 || shape[2] !== model.hiddenSize) {
      throw inseqError("INVALID_OPTION", `${model.modelClass}.forward: ${side} embeds must be (batch, len, ${model.hiddenSize}), got [${shape.join(", ")}].`);
    }
  } else {
    shape = stream.ids!.shape;
    if (stream.ids!.rank !== 2) throw inseqError("INVALID_OPTION", `${model.modelClass}.forward: ${side} ids must be (batch, len), got [${shape.join(", ")}].`);
  }
  const [batch, length] = shape;
  if (batch === 0 || length === 0) throw inseqError("EMPTY_INPUT", `${model.modelClass}.forward: the ${side} input is empty ([${shape.join(", ")}]).`);
  if (length > model.maxPositions) {
    throw inseqError("INPUT_TOO_LONG", `${model.modelClass}.forward: the ${side} input has ${length} positions, more than the model's ${model.maxPositions}. Shorten the text.`);
  }
  if (stream.mask && (stream.mask.rank !== 2 || stream.mask.shape[0] !== batch || stream.mask.shape[1] !== length)) {
    throw inseqError("BATCH_MISMATCH", `${model.modelClass}.forward: the ${side} mask is [${stream.mask.shape.join(", ")}] but the input is [${batch}, ${length}].`);
  }
  return batch;
}

/** Validates forward inputs against the model (`EMPTY_INPUT`, `INPUT_TOO_LONG`, `BATCH_MISMATCH`, `INVALID_OPTION`). */
export function checkForwardInputs(inputs: ForwardInputs, model: AttributionModel): void {
  const targetBatch = checkStream(inputs.target, "target", model);
  if (!model.isEncoderDecoder) {
    if (inputs.source) throw inseqError("INVALID_OPTION", `${model.modelClass} is decoder-only: pass the whole prefix as target, no source.`);
    return;
  }
  const sourceBatch = checkStream(inputs.source, "source", model);
  if (sourceBatch !== targetBatch) {
    throw inseqError("BATCH_MISMATCH", `${model.modelClass}.forward: source batch ${sourceBatch} differs from target batch ${targetBatch}.`);
  }
}
