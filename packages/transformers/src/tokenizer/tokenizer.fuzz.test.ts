// Property-based fuzzing of tokenizer loading (docs/reliability.md). Invariant: a mutated tokenizer.json (and
// tokenizer_config.json) gives a tokenizer that encodes and decodes texts, or an InseqError (MALFORMED_FILE) — at
// load or on a text —; never an uncaught TypeError / RangeError from @huggingface/tokenizers, no case slower than
// CASE_MS. Mutations: JSON-tree edits of models/tiny-gpt2 / tiny-marian tokenizer.json, components swapped for other
// valid or broken ones (BPE, ByteLevel, Metaspace, normalizers, post-processors), random JSON.
// Seeded: INSEQJS_FUZZ_SEED / INSEQJS_FUZZ_RUNS override the fixed seed and the run count.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { isInseqError } from "@inseqjs/core";
import { describe, expect, it } from "vitest";
import { memoryModelFiles } from "../files/memoryModelFiles.js";
import { loadTokenizer } from "./loadTokenizer.js";

const SEED = Number(process.env.INSEQJS_FUZZ_SEED ?? 20261126);
const RUNS = Number(process.env.INSEQJS_FUZZ_RUNS ?? 2000);
/** A hang detector, not a speed test: cases take ~2 ms, the bound leaves room for a loaded CI machine. */
const CASE_MS = 10_000;
let slowest = 0;

const root = new URL("../../../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");
const MODELS = ["models/tiny-gpt2/", "models/tiny-marian/"].map((dir) => ({
  tokenizer: JSON.parse(read(`${dir}tokenizer.json`)) as Json,
  config: JSON.parse(read(`${dir}tokenizer_config.json`)) as Json,
}));
const TEXTS = ["the cat sat on the mat", "Hello, world! 123", "café ½ 𝔘 \u2028 <s> </s> <unk>", "", "   "];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Valid (and some broken) tokenizer.json components to swap in. */
const COMPONENTS: Json[] = [
  { type: "BPE", dropout: null, unk_token: "<unk>", continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, vocab: { "<unk>": 0, t: 1, h: 2, e: 3, th: 4, the: 5 }, merges: ["t h", "th e"] },
  { type: "BPE", vocab: { a: 0 }, merges: [["a", "b"]] },
  { type: "BPE", vocab: { a: 0 }, merges: ["a"] },
  { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab: { "[UNK]": 0, the: 1, "##e": 2 } },
  { type: "Unigram", unk_id: 0, vocab: [["<unk>", 0], ["the", -1.5], ["a", -2]] },
  { type: "Unigram", unk_id: 99, vocab: [["<unk>", 0]] },
  { type: "WordLevel", vocab: {}, unk_token: "<missing>" },
  { type: "WordLevel", vocab: { the: "x", a: -1, b: 1.5 }, unk_token: "the" },
  { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
  { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true },
  { type: "Split", pattern: { Regex: "\\s+" }, behavior: "Isolated", invert: false },
  { type: "Split", pattern: { Regex: "([" }, behavior: "Removed", invert: false },
  { type: "Split", pattern: { String: " " }, behavior: "Nonsense", invert: false },
  { type: "Sequence", pretokenizers: [{ type: "WhitespaceSplit" }, { type: "Punctuation", behavior: "Isolated" }] },
  { type: "Sequence", normalizers: [{ type: "NFKC" }, { type: "Lowercase" }, { type: "Replace", pattern: { String: "a" }, content: "b" }] },
  { type: "Sequence" },
  { type: "NFD" }, { type: "StripAccents" }, { type: "Prepend", prepend: "▁" },
  { type: "Precompiled", precompiled_charsmap: "AAAA" },
  { type: "TemplateProcessing", single: [{ SpecialToken: { id: "<s>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }], pair: [], special_tokens: { "<s>": { id: "<s>", ids: [999999], tokens: ["<s>"] } } },
  { type: "TemplateProcessing", single: [{ SpecialToken: { id: "<missing>", type_id: 0 } }], pair: [], special_tokens: {} },
  { type: "ByteFallback" }, { type: "Fuse" }, { type: "Strip", content: " ", start: 1, stop: 0 }, { type: "CTC", pad_token: "<pad>" },
  { type: "NoSuchComponent" }, { type: 42 }, null, [], "", 0,
];
const ADDED: Json[] = [
  { id: 3, content: "<img src=x onerror=alert(1)>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: false },
  { id: 100000, content: "far", special: true },
  { id: -1, content: "neg", special: true },
  { content: "no id" },
  { id: 2, content: "", special: false },
];

/** Every container of the tree, for picking an edit site. */
function containers(v: Json, out: (Json[] | { [k: string]: Json })[] = []): (Json[] | { [k: string]: Json })[] {
  if (v !== null && typeof v === "object") {
    out.push(v);
    for (const child of Object.values(v)) containers(child, out);
  }
  return out;
}

/** An own data property even for `__proto__`. */
function setOwn(o: object, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

type Edit =
  | { kind: "set"; site: number; pick: number; value: Json }
  | { kind: "delete"; site: number; pick: number }
  | { kind: "component"; slot: "model" | "pre_tokenizer" | "normalizer" | "decoder" | "post_processor"; pick: number }
  | { kind: "added"; pick: number }
  | { kind: "key"; site: number; key: string; value: Json };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), site: fc.nat(), pick: fc.nat(), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, fc.constantFrom<Json>(null, -1, 1e9, 1.5, "", "<unk>", [], {})) }),
  fc.record({ kind: fc.constant("delete" as const), site: fc.nat(), pick: fc.nat() }),
  fc.record({ kind: fc.constant("component" as const), slot: fc.constantFrom("model" as const, "pre_tokenizer" as const, "normalizer" as const, "decoder" as const, "post_processor" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("added" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("key" as const), site: fc.nat(), key: fc.constantFrom("__proto__", "constructor", "prototype", "type", "vocab", "unk_token"), value: fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json> }),
);

function mutate(base: Json, edits: readonly Edit[]): Json {
  const root = structuredClone(base);
  for (const e of edits) {
    const sites = containers(root);
    if (e.kind === "component") {
      if (root && typeof root === "object" && !Array.isArray(root)) root[e.slot] = structuredClone(COMPONENTS[e.pick % COMPONENTS.length]);
      continue;
    }
    if (e.kind === "added") {
      const added = root && typeof root === "object" && !Array.isArray(root) ? root.added_tokens : undefined;
      if (Array.isArray(added)) added.push(structuredClone(ADDED[e.pick % ADDED.length]));
      continue;
    }
    const site = sites[e.site % sites.length];
    if (e.kind === "key") {
      if (!Array.isArray(site)) setOwn(site, e.key, e.value);
      continue;
    }
    const keys = Object.keys(site);
    if (keys.length === 0) continue;
    const key = keys[e.pick % keys.length];
    if (e.kind === "delete") {
      if (Array.isArray(site)) site.splice(Number(key), 1);
      else delete site[key];
    } else if (Array.isArray(site)) site[Number(key)] = e.value;
    else setOwn(site, key, e.value);
  }
  return root;
}

/** Loads a tokenizer from the files and runs it on texts; "ok" or the error code. Rethrows anything but an InseqError. */
async function tokenizerCase(tokenizerJson: string, config: Json, extraText = ""): Promise<string> {
  const t0 = performance.now();
  try {
    const tok = await loadTokenizer(memoryModelFiles({ "tokenizer.json": tokenizerJson, "tokenizer_config.json": JSON.stringify(config) }, "fuzz"));
    for (const text of [...TEXTS, extraText]) {
      const ids = tok.encode(text);
      expect(ids.every((id) => Number.isSafeInteger(id) && id >= 0)).toBe(true);
      expect(typeof tok.decode(ids)).toBe("string");
      expect(tok.convertIdsToTokens(ids)).toHaveLength(ids.length);
    }
    return "ok";
  } catch (e) {
    if (!isInseqError(e)) throw e;
    return e.code;
  } finally {
    slowest = Math.max(slowest, performance.now() - t0);
    expect(performance.now() - t0).toBeLessThan(CASE_MS);
  }
}

describe("tokenizer.json under fuzzing: a working tokenizer or an InseqError", () => {
  it("loads the unmutated tokenizers (control)", async () => {
    for (const m of MODELS) expect(await tokenizerCase(JSON.stringify(m.tokenizer), m.config)).toBe("ok");
  });

  it(`JSON-tree and component mutations of tiny-gpt2 / tiny-marian tokenizer.json (${RUNS} cases)`, async () => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: MODELS.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 3 }), fc.string({ maxLength: 20 }), async (m, edits, text) => {
        const outcome = await tokenizerCase(JSON.stringify(mutate(MODELS[m].tokenizer, edits)), MODELS[m].config, text);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    console.log(`[tokenizer fuzz] ${JSON.stringify(Object.fromEntries(outcomes))}; slowest case ${slowest.toFixed(0)} ms`);
    expect(outcomes.get("ok") ?? 0).toBeGreaterThan(0);
    expect(outcomes.get("MALFORMED_FILE") ?? 0).toBeGreaterThan(0);
  });

  it(`mutations of tokenizer_config.json (${Math.ceil(RUNS / 4)} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: MODELS.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 3 }), async (m, edits) => {
        await tokenizerCase(JSON.stringify(MODELS[m].tokenizer), mutate(MODELS[m].config, edits));
      }),
      { seed: SEED + 1, numRuns: Math.ceil(RUNS / 4) },
    );
  });

  it(`random JSON as tokenizer.json (${Math.ceil(RUNS / 4)} cases)`, async () => {
    await fc.assert(fc.asyncProperty(fc.json(), async (text) => void (await tokenizerCase(text, {}))), { seed: SEED + 2, numRuns: Math.ceil(RUNS / 4) });
  });
});
