#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { asOutOfMemoryError, isInseqError, listMethods, MEMORY_LIMIT_ENV, parseByteSize, setMemoryLimit } from "inseqjs";
import { ATTRIBUTE_FLAGS, attributeCommand } from "./attributeCommand.js";
import { ATTRIBUTE_DATASET_FLAGS, attributeDatasetCommand } from "./attributeDatasetCommand.js";
import { loadPlugins, pluginArgs } from "./loadPlugins.js";
import { formatFlags, UsageError } from "./parseArgs.js";

const USAGE = `inseqjs — feature attribution for sequence generation models

Usage:
  inseqjs attribute -m MODEL -a METHOD -i TEXT [-g TEXT] [options]
  inseqjs attribute-dataset DATA.jsonl|DATA.csv -o OUT.jsonl [--shard I/N] [options]
  inseqjs list-methods

global options:
  --plugin MODULE                   import a plugin (file path or package name) before the command; repeatable.
                                    INSEQJS_PLUGINS=a,b loads plugins too.

attribute options:
${formatFlags(ATTRIBUTE_FLAGS)}

attribute-dataset options (rerunning with the same output resumes):
${formatFlags(ATTRIBUTE_DATASET_FLAGS)}
`;

/** Where {@link main} writes and what it reads (process streams and env, or test doubles). */
export interface MainIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Bytes of a byte count (`512MiB`, `4GiB`, `4294967296`); a usage error otherwise. */
function byteCount(text: string, what: string): number {
  const bytes = parseByteSize(text);
  if (bytes === undefined) throw new UsageError(`${what}=${JSON.stringify(text)} is not a byte count; use e.g. 4294967296, 512MiB or 4GiB.`);
  return bytes;
}

/**
 * Writes a failure the way the command line reports it, without a stack trace: an InseqError as
 * `inseqjs: MESSAGE [CODE]`; a compute backend that ran out of memory (a raw wasm `RuntimeError` such as
 * `Aborted()`, an allocation failure) as the `OUT_OF_MEMORY` error it stands for. Returns the exit code, or
 * `undefined` for anything else (a bug: rethrown, with its stack).
 */
export function reportFailure(e: unknown, io: Pick<MainIo, "stderr">): number | undefined {
  if (e instanceof UsageError) {
    io.stderr.write(`inseqjs: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  const typed = isInseqError(e) ? e : asOutOfMemoryError(e, "The computation");
  if (isInseqError(typed)) {
    io.stderr.write(`inseqjs: ${typed.message} [${typed.code}]\n`);
    return 1;
  }
  return undefined;
}

/** Runs the command line `argv` (without `node bin.js`); returns the exit code. */
export async function main(argv: readonly string[], io: MainIo = process): Promise<number> {
  try {
    // the memory limit the checks use (the backends read process.env themselves; a test's env is applied here)
    const limit = io.env?.[MEMORY_LIMIT_ENV];
    if (limit !== undefined && limit !== "" && io.env !== process.env) setMemoryLimit(byteCount(limit, MEMORY_LIMIT_ENV));
    const { plugins, rest: args } = pluginArgs(argv, io.env ?? {});
    await loadPlugins(plugins);
    const [command, ...rest] = args;
    switch (command) {
      case "attribute":
        await attributeCommand(rest, io);
        return 0;
      case "attribute-dataset":
        await attributeDatasetCommand(rest, io);
        return 0;
      case "list-methods":
        io.stdout.write(listMethods().join("\n") + "\n");
        return 0;
      case undefined:
      case "-h":
      case "--help":
      case "help":
        io.stdout.write(USAGE);
        return command === undefined ? 1 : 0;
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (e) {
    const code = reportFailure(e, io);
    if (code === undefined) throw e;
    return code;
  } finally {
    if (io.env !== process.env && io.env?.[MEMORY_LIMIT_ENV]) setMemoryLimit(undefined);
  }
}

// Run only as the program (node dist/bin.js, the npm bin link), not when a test imports main.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
