import { parseMarianConfig } from "../../config/marianConfig.js";
import type { MarianConfig } from "../../config/marianConfig.js";
import type { Architecture } from "../Architecture.js";
import { MarianModel } from "./MarianModel.js";

/** `model_type` `marian` (MarianMTModel). */
export const marianArchitecture: Architecture<MarianConfig> = {
  modelType: "marian",
  parseConfig: parseMarianConfig,
  create: (parts) => MarianModel.create(parts),
};
