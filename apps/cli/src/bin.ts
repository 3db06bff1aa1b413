#!/usr/bin/env node
import { isInseqError, listMethods } from "inseqjs";
import { ATTRIBUTE_FLAGS, attributeCommand } from "./attributeCommand.js";
import { formatFlags, UsageError } from "./parseArgs.js";

const USAGE = `inseqjs — feature attribution for sequence generation models

Usage:
  inseqjs attribute -m MODEL -a METHOD -i TEXT [-g TEXT] [options]
  inseqjs list-methods

attribute options:
${formatFlags(ATTRIBUTE_FLAGS)}
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "attribute":
        await attributeCommand(rest, { stdout: process.stdout, stderr: process.stderr });
        return 0;
      case "list-methods":
        process.stdout.write(listMethods().join("\n") + "\n");
        return 0;
      case undefined:
      case "-h":
      case "--help":
      case "help":
        process.stdout.write(USAGE);
        return command === undefined ? 1 : 0;
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`inseqjs: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (isInseqError(e)) {
      process.stderr.write(`inseqjs: ${e.message} [${e.code}]\n`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = await main(process.argv.slice(2));
