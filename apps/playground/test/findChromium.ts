import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/**
 * The Chromium executable: `$CHROMIUM_PATH` when set (a path that does not exist means "no Chromium"), else the first
 * of Debian's `chromium` and common names on the PATH.
 */
export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv !== undefined && fromEnv !== "") return existsSync(fromEnv) ? fromEnv : undefined;
  for (const name of ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"]) {
    try {
      const path = execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
      if (path) return path;
    } catch {
      // not on the PATH
    }
  }
  return undefined;
}

/** Flags every run uses (STACK.md §5): headless-friendly, no network side traffic. */
export const BASE_FLAGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"];

/** WebGPU on the SwiftShader software adapter (correctness only: it is slow), and WebGL through ANGLE/SwiftShader. */
export const GPU_FLAGS = ["--enable-unsafe-webgpu", "--enable-unsafe-swiftshader", "--use-webgpu-adapter=swiftshader", "--use-angle=swiftshader"];
