import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { inseqError } from "inseqjs";
import { UsageError } from "./parseArgs.js";

/** Environment variable listing plugins to load before every command (comma-separated). */
export const PLUGINS_ENV = "INSEQJS_PLUGINS";

/**
 * Splits the global `--plugin MODULE` / `--plugin=MODULE` flags (repeatable, anywhere on the line) from the command
 * line, and adds the modules of `INSEQJS_PLUGINS` (first).
 */
export function pluginArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): { plugins: string[]; rest: string[] } {
  const plugins = (env[PLUGINS_ENV] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith("--plugin=")) plugins.push(argv[i].slice("--plugin=".length));
    else if (argv[i] !== "--plugin") rest.push(argv[i]);
    else if (i + 1 < argv.length) plugins.push(argv[++i]);
    else throw new UsageError("Option --plugin needs a module: a file path or an installed package name.");
  }
  return { plugins, rest };
}

/** Where `spec` is imported from: a file (relative to `cwd`) or a package resolvable from the CLI or from `cwd`. */
function moduleUrl(spec: string, cwd: string): string | undefined {
  const path = isAbsolute(spec) ? spec : resolve(cwd, spec);
  if (spec.startsWith(".") || isAbsolute(spec) || existsSync(path)) return pathToFileURL(path).href;
  try {
    return pathToFileURL(createRequire(resolve(cwd, "package.json")).resolve(spec)).href;
  } catch {
    return undefined;
  }
}

/**
 * Imports every plugin module in order; a plugin registers its methods (or step functions) on import through the
 * public API (`registerMethod` from "inseqjs" / "@inseqjs/core").
 */
export async function loadPlugins(specs: readonly string[], cwd = process.cwd()): Promise<void> {
  for (const spec of specs) {
    try {
      await import(/* @vite-ignore */ moduleUrl(spec, cwd) ?? spec);
    } catch (e) {
      throw inseqError("INVALID_OPTION", `Cannot load plugin "${spec}" (${(e as Error).message}). Pass the path of its entry file (e.g. ./dist/index.js) or the name of an installed package.`, e);
    }
  }
}
