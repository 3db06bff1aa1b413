import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { listMethods, unregisterMethod } from "inseqjs";
import { main } from "./bin.js";
import { pluginArgs } from "./loadPlugins.js";

const PLUGIN = fileURLToPath(new URL("../../../examples/noise-tunnel/dist/index.js", import.meta.url));

/** Runs the CLI's main with captured output. */
async function cli(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: "", stderr: "" };
  const stream = (key: "stdout" | "stderr") => ({ write: (s: string) => ((out[key] += s), true) }) as unknown as NodeJS.WritableStream;
  const code = await main(argv, { stdout: stream("stdout"), stderr: stream("stderr"), env });
  return { code, ...out };
}

describe("inseqjs --plugin", () => {
  it("splits repeatable --plugin flags (anywhere) and INSEQJS_PLUGINS from the command line", () => {
    expect(pluginArgs(["--plugin", "a.js", "attribute", "--plugin=b", "-i", "x"], { INSEQJS_PLUGINS: "c, d" })).toEqual({
      plugins: ["c", "d", "a.js", "b"],
      rest: ["attribute", "-i", "x"],
    });
    expect(() => pluginArgs(["list-methods", "--plugin"])).toThrow(/needs a module/);
  });

  it("--plugin examples/noise-tunnel/dist/index.js list-methods lists noise_tunnel next to the built-in methods", async () => {
    unregisterMethod("noise_tunnel");
    const before = await cli(["list-methods"]);
    expect(before.code).toBe(0);
    expect(before.stdout.split("\n")).not.toContain("noise_tunnel");
    const after = await cli(["--plugin", PLUGIN, "list-methods"]);
    expect(after.code).toBe(0);
    const listed = after.stdout.trim().split("\n");
    expect(listed).toContain("noise_tunnel");
    expect(listed).toContain("integrated_gradients");
    expect(listed).toEqual(listMethods());
  });

  it("loads the plugins named in INSEQJS_PLUGINS, in order, before --plugin ones", async () => {
    const dir = mkdtempSync(join(tmpdir(), "inseqjs-plugins-"));
    const probe = (name: string) => {
      writeFileSync(join(dir, `${name}.mjs`), `(globalThis.__inseqjsPluginProbe ??= []).push(${JSON.stringify(name)});\n`);
      return join(dir, `${name}.mjs`);
    };
    const r = await cli(["--plugin", probe("third"), "list-methods"], { INSEQJS_PLUGINS: `${probe("first")},${probe("second")}` });
    expect(r.code).toBe(0);
    expect((globalThis as { __inseqjsPluginProbe?: string[] }).__inseqjsPluginProbe).toEqual(["first", "second", "third"]);
  });

  it("loads a plugin by package name (resolved like an import from the CLI or the working directory)", async () => {
    unregisterMethod("noise_tunnel");
    const r = await cli(["--plugin=@inseqjs-examples/noise-tunnel", "list-methods"]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")).toContain("noise_tunnel");
  });

  it("fails with a clear message for a plugin that cannot be loaded", async () => {
    const r = await cli(["--plugin", "./no/such/plugin.js", "list-methods"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Cannot load plugin "\.\/no\/such\/plugin\.js".*entry file.*\[INVALID_OPTION\]/s);
  });
});
