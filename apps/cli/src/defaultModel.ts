import { fileURLToPath } from "node:url";

/**
 * The model used when `-m` is omitted: models/tiny-kv, a GPT-2 trained on key-value recall
 * (`a 3 b 7 c 1 d 5 ; b =` → `7`), whose correct attribution is known: the answer comes from the pair `b 7` and the
 * queried key `b`.
 */
export const DEFAULT_MODEL_PATH = fileURLToPath(new URL("../../../models/tiny-kv/", import.meta.url));
