import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadJson } from "inseqjs";
import { parseShard } from "./attributeDatasetCommand.js";
import { main } from "./bin.js";

const GPT2 = fileURLToPath(new URL("../../../models/tiny-gpt2/", import.meta.url));
const PROMPTS = ["the cat sat on", "the quick brown fox", "a b c", "the dog", "who many again"];

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: "", stderr: "" };
  const stream = (key: "stdout" | "stderr") => ({ write: (s: string) => ((out[key] += s), true) }) as unknown as NodeJS.WritableStream;
  const code = await main(argv, { stdout: stream("stdout"), stderr: stream("stderr"), env: {} });
  return { code, ...out };
}

/** Runs attribute-dataset with tiny-gpt2 / saliency on the cpu backend. */
const run = (dataset: string, output: string, ...more: string[]) =>
  cli(["attribute-dataset", dataset, "-o", output, "-m", GPT2, "-a", "saliency", "--step-scores", "probability", "--backend", "cpu", ...more]);

/** The output file's lines, parsed: index, id, input text and the loaded attribution. */
function outputLines(path: string) {
  return readFileSync(path, "utf8").trimEnd().split("\n").map((line) => {
    const row = JSON.parse(line);
    return { index: row.index as number, id: row.id as unknown, input: row.attributes.info.input_texts[0] as string, output: loadJson(line), line };
  });
}

function tmp(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "inseqjs-dataset-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("inseqjs attribute-dataset", () => {
  it("attributes every JSONL example into one inseq JSON line each, with index and id", async () => {
    const jsonl = PROMPTS.slice(0, 3).map((p, i) => JSON.stringify(i === 1 ? { input_text: p, generated_text: `${p} again`, id: "b" } : { input: p, generated: `${p} who` })).join("\n");
    const dir = tmp({ "d.jsonl": jsonl + "\n" });
    const { code, stderr } = await run(join(dir, "d.jsonl"), join(dir, "out.jsonl"));
    expect(code).toBe(0);
    expect(stderr).toMatch(/3 examples, 0 of 3 already in .*out\.jsonl, 3 to attribute/);
    expect(stderr).toMatch(/3\/3 examples/);
    const lines = outputLines(join(dir, "out.jsonl"));
    expect(lines.map((l) => [l.index, l.id, l.input])).toEqual([[0, undefined, PROMPTS[0]], [1, "b", PROMPTS[1]], [2, undefined, PROMPTS[2]]]);
    for (const l of lines) {
      expect(l.line.startsWith('{"__instance_type__": ["inseq.data.attribution", "FeatureAttributionOutput"], "attributes": {')).toBe(true);
      expect(l.output.info.attributionMethod).toBe("saliency");
      expect(Object.keys(l.output.sequenceAttributions[0].stepScores)).toEqual(["probability"]);
    }
    expect(lines[1].output.info.generatedTexts).toEqual([`${PROMPTS[1]} again`]);
  });

  it("resumes after a partial output: keeps finished lines, cuts the unfinished one, attributes the rest once", async () => {
    const jsonl = PROMPTS.slice(0, 3).map((p) => JSON.stringify({ input: p, generated: `${p} who` })).join("\n");
    const dir = tmp({ "d.jsonl": jsonl });
    const out = join(dir, "out.jsonl");
    expect((await run(join(dir, "d.jsonl"), out)).code).toBe(0);
    const complete = readFileSync(out, "utf8").split("\n");
    // a run stopped while writing example 1: line 0 finished, line 1 half written
    writeFileSync(out, `${complete[0]}\n${complete[1].slice(0, 200)}`);
    const resumed = await run(join(dir, "d.jsonl"), out);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/removed an unfinished last line/);
    expect(resumed.stderr).toMatch(/1 of 3 already in .*, 2 to attribute/);
    const lines = outputLines(out);
    expect(lines.map((l) => l.index)).toEqual([0, 1, 2]);
    expect(lines[0].line).toBe(complete[0]);
    // example 1 ran again: the same attribution (only the run time differs)
    const sameRun = (line: string) => line.replace(/"exec_time": [^,]+,/, "");
    expect(sameRun(lines[1].line)).toBe(sameRun(complete[1]));
    // everything done: a rerun attributes nothing and leaves the file as it is
    const before = readFileSync(out, "utf8");
    const again = await run(join(dir, "d.jsonl"), out);
    expect(again.stderr).toMatch(/3 of 3 already in .*, 0 to attribute/);
    expect(readFileSync(out, "utf8")).toBe(before);
    // a finished last line that only lacks its line break is kept (and gets the break)
    writeFileSync(out, before.trimEnd());
    const noBreak = await run(join(dir, "d.jsonl"), out);
    expect(noBreak.stderr).not.toMatch(/removed/);
    expect(readFileSync(out, "utf8")).toBe(before);
  });

  it("--shard 0/2 and 1/2 over a CSV cover every example exactly once", async () => {
    const csv = ["input,generated_text,id", ...PROMPTS.map((p, i) => `"${p}","${p} who",e${i}`)].join("\r\n");
    const dir = tmp({ "d.csv": csv });
    const [a, b] = [join(dir, "s0.jsonl"), join(dir, "s1.jsonl")];
    const r0 = await run(join(dir, "d.csv"), a, "--shard", "0/2");
    const r1 = await run(join(dir, "d.csv"), b, "--shard", "1/2");
    expect([r0.code, r1.code]).toEqual([0, 0]);
    expect(r0.stderr).toMatch(/5 examples, shard 0\/2: 0 of 3 already/);
    const [s0, s1] = [outputLines(a), outputLines(b)];
    expect(s0.map((l) => l.index)).toEqual([0, 2, 4]);
    expect(s1.map((l) => l.index)).toEqual([1, 3]);
    const all = [...s0, ...s1].sort((x, y) => x.index - y.index);
    expect(all.map((l) => [l.index, l.id, l.input])).toEqual(PROMPTS.map((p, i) => [i, `e${i}`, p]));
  });

  it("malformed dataset lines stop before loading the model, naming the line", async () => {
    const dir = tmp({ "d.jsonl": '{"input": "a"}\n{"input": "b"\n', "e.csv": 'input\n"x"y\n' });
    const bad = await run(join(dir, "d.jsonl"), join(dir, "o.jsonl"));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/d\.jsonl line 2: not valid JSON.*\[MALFORMED_FILE\]/);
    expect(existsSync(join(dir, "o.jsonl"))).toBe(false);
    const csv = await run(join(dir, "e.csv"), join(dir, "o.jsonl"));
    expect(csv.stderr).toMatch(/e\.csv line 2: unexpected "y" after a closing quote/);
  });

  it("refuses an output written from another dataset, and a damaged finished line", async () => {
    const dir = tmp({ "d.jsonl": JSON.stringify({ input: "the dog", generated: "the dog who" }), "other.jsonl": JSON.stringify({ input: "a b c", generated: "a b c who" }) });
    const out = join(dir, "o.jsonl");
    expect((await run(join(dir, "d.jsonl"), out)).code).toBe(0);
    const other = await run(join(dir, "other.jsonl"), out);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/holds example 0 \("the dog"\), which is not example 0 of .*other\.jsonl \("a b c"\).*new output file/);
    writeFileSync(out, "not json\n" + readFileSync(out, "utf8"));
    expect((await run(join(dir, "d.jsonl"), out)).stderr).toMatch(/o\.jsonl line 1 is not a finished example/);
  });

  it("checks its own flags", async () => {
    expect(parseShard("3/4")).toEqual({ index: 3, count: 4 });
    for (const bad of ["4/4", "1", "-1/2", "a/b", "0/0"]) expect(() => parseShard(bad)).toThrow(/--shard must be I\/N/);
    const dir = tmp({ "d.txt": "x" });
    expect((await cli(["attribute-dataset", join(dir, "d.jsonl")])).stderr).toMatch(/-o OUT\.jsonl/);
    expect((await cli(["attribute-dataset", join(dir, "d.txt"), "-o", "x"])).stderr).toMatch(/--format jsonl/);
    expect((await cli(["attribute-dataset", join(dir, "missing.jsonl"), "-o", join(dir, "o.jsonl")])).stderr).toMatch(/No dataset at .*\[MISSING_FILE\]/);
  });
});
