import { readFileSync } from "node:fs";
import { join } from "node:path";

/** A held-out recall prompt of models/tiny-kv (`heldout.json`). */
export interface KvHeldOut {
  readonly prompt: string;
  readonly answer: string;
  readonly keyPosition: number;
  readonly valuePosition: number;
  readonly queryPosition: number;
}

/** A held-out sentence pair of models/tiny-translate with its gold alignment. */
export interface TranslationHeldOut {
  readonly source: string;
  readonly target: string;
  readonly alignment: readonly (readonly [number, number])[];
}

/** The first `count` examples of `<modelDir>/heldout.json`. */
export function readHeldOut<T>(modelDir: string, count: number): T[] {
  const json = JSON.parse(readFileSync(join(modelDir, "heldout.json"), "utf8")) as { examples: T[] };
  return json.examples.slice(0, count);
}
