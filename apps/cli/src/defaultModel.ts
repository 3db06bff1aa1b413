import { fileURLToPath } from "node:url";

/** The model shipped in the repo, used when `-m` is omitted. */
export const DEFAULT_MODEL_PATH = fileURLToPath(new URL("../../../models/tiny-gpt2/", import.meta.url));
