import { fileURLToPath } from "node:url";
import { loadModel, useBackend, type BackendName } from "inseqjs";
import { sequenceNumbers } from "../src/sequenceNumbers.js";
import type { SequenceNumbers } from "../src/protocol.js";

/** Folder of a model shipped in the repo. */
export const modelFolder = (name: string): string => fileURLToPath(new URL(`../../../models/${name}/`, import.meta.url));

/** One attribution the playground runs, as the page sends it. */
export interface RunSpec {
  readonly model: string;
  readonly method: string;
  readonly inputTexts: readonly string[];
  readonly generatedTexts: readonly string[];
  readonly stepScores: readonly string[];
  readonly methodOptions?: Readonly<Record<string, unknown>>;
}

/** Runs `spec` in Node on `backend` and returns the numbers the page would show. */
export async function nodeNumbers(spec: RunSpec, backend: BackendName): Promise<SequenceNumbers[]> {
  await useBackend(backend);
  const model = await loadModel(modelFolder(spec.model), spec.method, { backend });
  try {
    const out = await model.attribute([...spec.inputTexts], {
      ...spec.methodOptions,
      generatedTexts: spec.generatedTexts.length ? [...spec.generatedTexts] : undefined,
      stepScores: [...spec.stepScores],
    });
    return sequenceNumbers(out);
  } finally {
    model.dispose();
  }
}

/** Every number list of `a` paired with the same list of `b`, named for failure messages. */
export function pairedLists(a: readonly SequenceNumbers[], b: readonly SequenceNumbers[]): [string, (number | null)[], (number | null)[]][] {
  const out: [string, (number | null)[], (number | null)[]][] = [];
  a.forEach((s, i) => {
    const t = b[i];
    if (s.sourceScores) out.push([`seq ${i} source scores`, s.sourceScores.flat(), t?.sourceScores?.flat() ?? []]);
    if (s.targetScores) out.push([`seq ${i} target scores`, s.targetScores.flat(), t?.targetScores?.flat() ?? []]);
    if (s.rawSource) out.push([`seq ${i} raw source`, s.rawSource.data, t?.rawSource?.data ?? []]);
    if (s.rawTarget) out.push([`seq ${i} raw target`, s.rawTarget.data, t?.rawTarget?.data ?? []]);
    for (const [k, v] of Object.entries(s.stepScores)) out.push([`seq ${i} step score ${k}`, v, t?.stepScores[k] ?? []]);
  });
  return out;
}
