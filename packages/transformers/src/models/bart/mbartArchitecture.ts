import { parseBartConfig } from "../../config/bartConfig.js";
import type { BartConfig } from "../../config/bartConfig.js";
import type { Architecture } from "../Architecture.js";
import { BartModel } from "./BartModel.js";

/** `model_type` `mbart` (MBartForConditionalGeneration): BART with pre-LN layers and a final layer norm per stack. */
export const mbartArchitecture: Architecture<BartConfig> = {
  modelType: "mbart",
  parseConfig: (json) => parseBartConfig(json, "mbart"),
  create: (parts) => BartModel.create(parts),
};
