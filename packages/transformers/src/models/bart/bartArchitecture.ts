import { parseBartConfig } from "../../config/bartConfig.js";
import type { BartConfig } from "../../config/bartConfig.js";
import type { Architecture } from "../Architecture.js";
import { BartModel } from "./BartModel.js";

/** `model_type` `bart` (BartForConditionalGeneration): learned positions, `layernorm_embedding`, post-LN, GELU. */
export const bartArchitecture: Architecture<BartConfig> = {
  modelType: "bart",
  parseConfig: (json) => parseBartConfig(json, "bart"),
  create: (parts) => BartModel.create(parts),
};
