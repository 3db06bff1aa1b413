#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isInseqError, listMethods } from "inseqjs";
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

/** Runs the command line `argv` (without `node bin.js`); returns the exit code. */
export async function main(argv: readonly string[], io: MainIo = process): Promise<number> {
  try {
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
    if (e instanceof UsageError) {
      io.stderr.write(`inseqjs: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (isInseqError(e)) {
      io.stderr.write(`inseqjs: ${e.message} [${e.code}]\n`);
      return 1;
    }
    throw e;
  }
}

// Run only as the program (node dist/bin.js, the npm bin link), not when a test imports main.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
