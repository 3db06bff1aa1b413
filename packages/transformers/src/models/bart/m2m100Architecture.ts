import { parseBartConfig } from "../../config/bartConfig.js";
import type { BartConfig } from "../../config/bartConfig.js";
import type { Architecture } from "../Architecture.js";
import { BartModel } from "./BartModel.js";

/**
 * `model_type` `m2m_100` (M2M100ForConditionalGeneration, also NLLB): sinusoidal positions from the padding mask,
 * pre-LN, ReLU, scaled embeddings, target language forced at decoder position 1.
 */
export const m2m100Architecture: Architecture<BartConfig> = {
  modelType: "m2m_100",
  parseConfig: (json) => parseBartConfig(json, "m2m_100"),
  create: (parts) => BartModel.create(parts),
};
