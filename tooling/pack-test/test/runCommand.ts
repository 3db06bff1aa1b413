import { spawnSync } from "node:child_process";

/** Runs a command, failing with its output when it exits non-zero; returns stdout. */
export function runCommand(cmd: string, args: readonly string[], cwd: string, timeoutMs = 300_000, env: NodeJS.ProcessEnv = process.env): string {
  const res = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: timeoutMs, env, maxBuffer: 64 * 1024 * 1024 });
  if (res.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) failed with ${res.status ?? res.signal}:\n${res.stdout}\n${res.stderr}${res.error ? `\n${res.error.message}` : ""}`);
  }
  return res.stdout;
}

/** The pnpm that runs this test (`npm_execpath` under `pnpm test`), else the one on the PATH. */
export function pnpmCommand(): [string, string[]] {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath)) return /\.c?js$/.test(execPath) ? [process.execPath, [execPath]] : [execPath, []];
  return ["pnpm", []];
}

/** Runs pnpm with `args`. */
export function runPnpm(args: readonly string[], cwd: string, timeoutMs?: number): string {
  const [cmd, pre] = pnpmCommand();
  return runCommand(cmd, [...pre, ...args], cwd, timeoutMs);
}
