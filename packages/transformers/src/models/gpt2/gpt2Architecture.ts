import { parseGpt2Config } from "../../config/gpt2Config.js";
import type { Gpt2Config } from "../../config/gpt2Config.js";
import type { Architecture } from "../Architecture.js";
import { Gpt2Model } from "./Gpt2Model.js";

/** `model_type` `gpt2` (GPT2LMHeadModel). */
export const gpt2Architecture: Architecture<Gpt2Config> = {
  modelType: "gpt2",
  parseConfig: parseGpt2Config,
  create: (parts) => Gpt2Model.create(parts),
};
