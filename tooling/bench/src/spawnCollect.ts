import { spawn } from "node:child_process";

/** How a child process ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Killed by the `timeoutS` limit. */
  readonly timedOut: boolean;
  readonly wallS: number;
}

/** Runs `command args` to its end, collecting stdout and stderr; SIGKILLs it after `timeoutS` seconds if given. */
export function spawnCollect(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutS?: number } = {}): Promise<ChildExit> {
  const t0 = performance.now();
  return new Promise<ChildExit>((resolve, reject) => {
    const proc = spawn(command, args, { env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = options.timeoutS ? setTimeout(() => { timedOut = true; proc.kill("SIGKILL"); }, options.timeoutS * 1000) : undefined;
    proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    proc.on("error", (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    proc.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, wallS: (performance.now() - t0) / 1000 });
    });
  });
}
