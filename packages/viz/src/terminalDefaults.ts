import type { AnsiColorMode } from "./ansiColor.js";

/** The Node `process`, when there is one (viz also runs in browsers). */
function nodeProcess(): { stdout?: { isTTY?: boolean; columns?: number }; env?: Record<string, string | undefined> } | undefined {
  return (globalThis as { process?: ReturnType<typeof nodeProcess> }).process;
}

/** Terminal width to wrap at: `process.stdout.columns` on a terminal, else 100. */
export function defaultTerminalWidth(): number {
  const columns = nodeProcess()?.stdout?.columns;
  return typeof columns === "number" && columns > 0 ? columns : 100;
}

/**
 * Colour mode for `color` (`true`: detect the mode; `undefined`: colour only on a TTY without `NO_COLOR`, or with
 * `FORCE_COLOR`); null means plain text. Truecolor when `COLORTERM` says so, else 256 colours.
 */
export function resolveColorMode(color: boolean | AnsiColorMode | undefined): AnsiColorMode | null {
  if (color === false) return null;
  if (color === "truecolor" || color === "256") return color;
  const proc = nodeProcess();
  const env = proc?.env ?? {};
  if (color === undefined) {
    const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0";
    if (!forced && ((env.NO_COLOR ?? "") !== "" || proc?.stdout?.isTTY !== true)) return null;
  }
  return /^(truecolor|24bit)$/i.test(env.COLORTERM ?? "") ? "truecolor" : "256";
}
