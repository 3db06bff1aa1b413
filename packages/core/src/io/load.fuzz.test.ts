// Property-based fuzzing of `load` for inseq JSON files (docs/reliability.md). Invariant for every input: `load`
// resolves to a FeatureAttributionOutput that saves and loads again, or rejects with an InseqError; never another
// exception, never a prototype change, no case slower than CASE_MS. Inputs: mutations of the inseq-written files of
// test-data/inseq_format (text edits, JSON-tree edits, corrupted tensor blobs, corrupted gzip) and random JSON.
// Seeded: INSEQJS_FUZZ_SEED / INSEQJS_FUZZ_RUNS override the fixed seed and the run count.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isInseqError } from "../errors.js";
import { FeatureAttributionOutput } from "../output/featureAttributionOutput.js";
import { decodeBase64, encodeBase64 } from "./base64.js";
import { load } from "./load.js";
import { save } from "./save.js";

const SEED = Number(process.env.INSEQJS_FUZZ_SEED ?? 20261126);
const RUNS = Number(process.env.INSEQJS_FUZZ_RUNS ?? 2000);
const CASE_MS = 10_000;

const DIR = new URL("../../../../test-data/inseq_format/", import.meta.url);
const NAMES = ["tiny-gpt2_saliency.json", "tiny-gpt2_integrated_gradients.json", "tiny-marian_saliency.json", "tiny-marian_saliency__single_scale.json", "tiny-gpt2_saliency__explicit_defaults.json"];
const TEXTS = NAMES.map((n) => readFileSync(new URL(n, DIR), "utf8"));
const GZIP = new Uint8Array(readFileSync(new URL("tiny-gpt2_integrated_gradients.json.gz", DIR)));
const PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype).sort().join();

/** Loads `input`; "ok" (after a save → load round trip) or the error code. Rethrows anything but an InseqError. */
async function loadCase(input: string | Uint8Array): Promise<string> {
  const t0 = performance.now();
  try {
    const out = await load(input);
    expect(out).toBeInstanceOf(FeatureAttributionOutput);
    await load(save(out));
    return "ok";
  } catch (e) {
    if (!isInseqError(e)) throw e;
    return e.code;
  } finally {
    expect(performance.now() - t0).toBeLessThan(CASE_MS);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort().join()).toBe(PROTO_KEYS);
  }
}

const SNIPPETS = [
  '"__proto__": {"polluted": true},', '"constructor": {"prototype": {"polluted": true}},', '"prototype": {"polluted": true},',
  "NaN", "Infinity", "-Infinity", "null", "[]", "{}", '""', "1e999", "-0", "0.5", "9007199254740993", '"\\u0000py:NaN"', '"\\ud800"', ",", ":", "{", "}", "[", "]", '"',
];

type TextEdit = { kind: "delete" | "duplicate"; at: number; length: number } | { kind: "insert"; at: number; text: string } | { kind: "char"; at: number; char: string };

const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({ kind: fc.constantFrom("delete" as const, "duplicate" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 8 })) }),
  fc.record({ kind: fc.constant("char" as const), at: fc.nat(), char: fc.constantFrom(..."{}[]\",:0123456789.-eEnNtfIa \\") }),
);

function editText(text: string, edits: readonly TextEdit[]): string {
  let s = text;
  for (const e of edits) {
    const at = e.at % (s.length + 1);
    if (e.kind === "delete") s = s.slice(0, at) + s.slice(at + e.length);
    else if (e.kind === "duplicate") s = s.slice(0, at + e.length) + s.slice(at, at + e.length) + s.slice(at + e.length);
    else if (e.kind === "insert") s = s.slice(0, at) + e.text + s.slice(at);
    else if (e.kind === "char") s = s.slice(0, at) + e.char + s.slice(at + 1);
  }
  return s;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every container of the tree with the path to it, for picking an edit site. */
function containers(v: Json, out: (Json[] | { [k: string]: Json })[] = []): (Json[] | { [k: string]: Json })[] {
  if (v !== null && typeof v === "object") {
    out.push(v);
    for (const child of Object.values(v)) containers(child, out);
  }
  return out;
}

/** Sets an own data property, also for `__proto__` (an assignment would change the prototype instead). */
function setOwn(o: object, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

type TreeEdit =
  | { kind: "replace" | "add"; site: number; pick: number; key: string; value: Json }
  | { kind: "delete"; site: number; pick: number }
  | { kind: "blob"; site: number; pick: number; flips: [number, number][]; cut: number };

const jsonValue = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;
const treeEdit: fc.Arbitrary<TreeEdit> = fc.oneof(
  fc.record({ kind: fc.constantFrom("replace" as const, "add" as const), site: fc.nat(), pick: fc.nat(), key: fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype", "__instance_type__", "attributes", "token", "id"), fc.string({ maxLength: 6 })), value: jsonValue }),
  fc.record({ kind: fc.constant("delete" as const), site: fc.nat(), pick: fc.nat() }),
  fc.record({ kind: fc.constant("blob" as const), site: fc.nat(), pick: fc.nat(), flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { maxLength: 4 }), cut: fc.nat({ max: 3 }) }),
);

function editTree(root: Json, edits: readonly TreeEdit[]): Json {
  for (const e of edits) {
    const sites = containers(root);
    const site = sites[e.site % sites.length];
    const keys = Object.keys(site);
    const key = keys.length ? keys[e.pick % keys.length] : undefined;
    if (e.kind === "add") {
      if (Array.isArray(site)) site.splice(e.pick % (site.length + 1), 0, e.value);
      else setOwn(site, e.key, e.value);
    } else if (key === undefined) {
      continue;
    } else if (e.kind === "replace") {
      if (Array.isArray(site)) site[Number(key)] = e.value;
      else setOwn(site, key, e.value);
    } else if (e.kind === "delete") {
      if (Array.isArray(site)) site.splice(Number(key), 1);
      else delete site[key];
    } else if (e.kind === "blob") {
      // corrupt a tensor blob (base64 safetensors): flip bits, maybe cut the tail
      const strings = sites.flatMap((c) => Object.entries(c).filter(([, v]) => typeof v === "string" && v.length > 40).map(([k]) => [c, k] as const));
      if (strings.length === 0) continue;
      const [c, k] = strings[e.pick % strings.length];
      const bytes = decodeBase64((c as Record<string, string>)[k]);
      if (!bytes) continue;
      for (const [at, bit] of e.flips) if (bytes.length) bytes[at % bytes.length] ^= 1 << bit;
      setOwn(c, k, encodeBase64(bytes.subarray(0, bytes.length - e.cut * 3)));
    }
  }
  return root;
}

describe("load under fuzzing: an output or an InseqError, nothing else", () => {
  it("loads every unmutated file (control)", async () => {
    for (const text of TEXTS) expect(await loadCase(text)).toBe("ok");
    expect(await loadCase(GZIP)).toBe("ok");
  });

  it(`text mutations of the inseq files (${RUNS} cases)`, async () => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: TEXTS.length - 1 }), fc.array(textEdit, { minLength: 1, maxLength: 3 }), async (file, edits) => {
        const outcome = await loadCase(editText(TEXTS[file], edits));
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(outcomes.get("ok") ?? 0).toBeGreaterThan(0);
    expect(outcomes.get("MALFORMED_FILE") ?? 0).toBeGreaterThan(0);
  });

  it(`JSON-tree mutations: values, keys (__proto__, constructor, prototype at every level), tensor blobs (${RUNS} cases)`, async () => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: TEXTS.length - 1 }), fc.array(treeEdit, { minLength: 1, maxLength: 3 }), async (file, edits) => {
        const tree = editTree(JSON.parse(TEXTS[file]) as Json, edits);
        const outcome = await loadCase(JSON.stringify(tree));
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      { seed: SEED + 1, numRuns: RUNS },
    );
    expect(outcomes.get("ok") ?? 0).toBeGreaterThan(0);
    expect(outcomes.get("MALFORMED_FILE") ?? 0).toBeGreaterThan(0);
  });

  it(`random JSON documents (${RUNS} cases)`, async () => {
    await fc.assert(fc.asyncProperty(fc.json(), async (text) => void (await loadCase(text))), { seed: SEED + 2, numRuns: RUNS });
  });

  it(`corrupted gzip bytes (${Math.ceil(RUNS / 10)} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(), async (sets, cut) => {
        const bytes = Uint8Array.from(GZIP);
        for (const [at, value] of sets) bytes[at % bytes.length] = value;
        await loadCase(bytes.subarray(0, bytes.length - (cut % 64)));
      }),
      { seed: SEED + 3, numRuns: Math.ceil(RUNS / 10) },
    );
  });

  it("constructor / prototype keys at every level, in info and attributionArgs: kept as data, no prototype reached", async () => {
    const tree = JSON.parse(TEXTS[0]) as Json;
    let n = 0;
    for (const site of containers(tree)) {
      if (Array.isArray(site)) continue;
      setOwn(site, "constructor", { prototype: { polluted: true } });
      setOwn(site, "prototype", { polluted: true });
      n++;
    }
    expect(n).toBeGreaterThan(10);
    // unknown keys in wrappers are ignored or rejected; either way nothing reaches a prototype
    expect(["ok", "MALFORMED_FILE"]).toContain(await loadCase(JSON.stringify(tree)));
    const info = JSON.parse(TEXTS[0]);
    for (const where of [info.attributes.info, info.attributes.info.attribution_args, info.attributes.info.attributed_fn_args, info.attributes.info.step_scores_args]) {
      setOwn(where, "constructor", { prototype: { polluted: true } });
      setOwn(where, "prototype", { polluted: true });
    }
    const out = await load(JSON.stringify(info));
    expect(Object.getPrototypeOf(out.info)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(out.info.attributionArgs)).toBe(Object.prototype);
    expect((out.info.attributionArgs as Record<string, unknown>).prototype).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // and the data round-trips as data
    expect(save(out)).toContain('"constructor"');
  });
});
