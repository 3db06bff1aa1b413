// Safe output end to end (docs/reliability.md): a real tokenizer whose vocabulary holds markup, script terminators,
// quotes and U+2028 as tokens; the CLI attributes with it and writes --viz (HTML), --svg and --save (JSON). The
// HTML / SVG must contain no element or attribute that a token brought in, the page's JSON data no raw `<` or
// U+2028, and the saved JSON must load back to the same tokens.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadFromFile } from "inseqjs";
import { main } from "./bin.js";

const GPT2 = fileURLToPath(new URL("../../../models/tiny-gpt2/", import.meta.url));
const HOSTILE = ["<img src=x onerror=alert(1)>", "</script>", "\"'&", "\u2028", "<svg onload=alert(2)>", "<!--", "]]>", "{{x}}"];
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** tiny-gpt2 whose vocabulary entries 100.. are the hostile strings, as added (non-special) tokens. */
function hostileModel(): string {
  const dir = mkdtempSync(join(tmpdir(), "inseqjs-hostile-"));
  temps.push(dir);
  cpSync(GPT2, dir, { recursive: true });
  const tok = JSON.parse(readFileSync(join(dir, "tokenizer.json"), "utf8"));
  const byId = new Map(Object.entries(tok.model.vocab as Record<string, number>).map(([t, id]) => [id, t]));
  HOSTILE.forEach((token, i) => {
    const id = 100 + i;
    delete tok.model.vocab[byId.get(id)!];
    tok.model.vocab[token] = id;
    tok.added_tokens.push({ id, content: token, single_word: false, lstrip: false, rstrip: false, normalized: false, special: false });
  });
  writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(tok));
  return dir;
}

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: "", stderr: "" };
  const stream = (key: "stdout" | "stderr") => ({ write: (s: string) => ((out[key] += s), true) }) as unknown as NodeJS.WritableStream;
  const code = await main(argv, { stdout: stream("stdout"), stderr: stream("stderr"), env: {} });
  return { code, ...out };
}

/** Element names of every tag, and every attribute name (quoted values removed: `"` inside them is escaped). */
function markup(text: string): { tags: Set<string>; attributes: Set<string>; scripts: number } {
  const tags = new Set<string>();
  const attributes = new Set<string>();
  for (const [tag, name] of text.matchAll(/<\/?([a-zA-Z][\w:-]*)([^>]*)>/g)) {
    tags.add(name.toLowerCase());
    for (const [, attr] of tag.replace(/"[^"]*"/g, "").matchAll(/\s([a-zA-Z_:][\w:.-]*)\s*=/g)) attributes.add(attr.toLowerCase());
  }
  return { tags, attributes, scripts: (text.match(/<script/gi) ?? []).length };
}

describe("hostile tokens from a real vocabulary through the CLI's --viz / --svg / --save", () => {
  it("HTML, SVG and JSON treat every token as text", async () => {
    const model = hostileModel();
    const out = mkdtempSync(join(tmpdir(), "inseqjs-hostile-out-"));
    temps.push(out);
    const prompt = `the ${HOSTILE.slice(0, 4).join(" cat ")} sat`;
    const generated = `${prompt} ${HOSTILE.slice(4).join(" on ")} ${HOSTILE[0]}`;
    const run = async (name: string, input: string, gen: string) =>
      cli(["attribute", "-m", model, "-i", input, "-g", gen, "--viz", join(out, `${name}.html`), "--svg", join(out, `${name}.svg`), "--save", join(out, `${name}.json`), "--no-color", "--backend", "cpu", "--step-scores", "probability"]);
    const benign = await run("benign", "the cat sat", "the cat sat on the mat");
    expect(benign.code, benign.stderr).toBe(0);
    const hostile = await run("hostile", prompt, generated);
    expect(hostile.code, hostile.stderr).toBe(0);

    // the tokens really are single tokens of the vocabulary, on both sides
    const saved = await loadFromFile(join(out, "hostile.json"));
    const seq = saved.sequenceAttributions[0];
    const tokens = [...(seq.source ?? []), ...seq.target].map((t) => t.token);
    for (const h of HOSTILE) expect(tokens, h).toContain(h);

    for (const ext of ["html", "svg"]) {
      const safe = markup(readFileSync(join(out, `benign.${ext}`), "utf8"));
      const text = readFileSync(join(out, `hostile.${ext}`), "utf8");
      const got = markup(text);
      // nothing a token could have opened: same elements, same attribute names, same scripts as a benign page
      expect([...got.tags].filter((t) => !safe.tags.has(t)), ext).toEqual([]);
      expect([...got.attributes].filter((a) => !safe.attributes.has(a) || a.startsWith("on")), ext).toEqual([]);
      expect(got.scripts, ext).toBe(safe.scripts);
      expect(text).not.toContain("<img");
      expect(text).not.toContain("<svg onload");
      expect(text).not.toContain("<!--");
      expect(text).toContain("&lt;img src=x onerror=alert(1)&gt;");
      expect(text).toContain("&quot;&#39;&amp;");
    }

    const html = readFileSync(join(out, "hostile.html"), "utf8");
    expect((html.match(/<\/script>/g) ?? []).length).toBe(2);
    const data = /<script type="application\/json" id="iq-data">([\s\S]*?)<\/script>/.exec(html)![1];
    expect(data).not.toMatch(/[<>\u2028\u2029]/);
    // the data is the tokens, as data
    expect(JSON.stringify(JSON.parse(data))).toContain("<img src=x onerror=alert(1)>");
    // U+2028 never appears raw in a script, nor does a token close the script early
    const scripts = [...html.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    for (const s of scripts) expect(s).not.toContain("\u2028");

    // saved JSON: plain data, ASCII-escaped, no prototype keys, and it loads back to the same tokens
    const json = readFileSync(join(out, "hostile.json"), "utf8");
    expect(json).not.toMatch(/__proto__|function\s*\(|=>/);
    expect(json).not.toContain("\u2028");
    expect(JSON.parse(json)).toBeTypeOf("object");

    // the terminal heatmap (--no-color) starts no escape sequence. (U+2028 is printed as is: see docs/reliability.md.)
    expect(hostile.stdout).not.toMatch(/\x1b/);
  });
});
