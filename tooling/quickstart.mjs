#!/usr/bin/env node
// The README's two commands, runnable on a fresh clone with only Node 20 + npm:
//   npm run demo   — install, build, attribute on the model shipped in the repo, print the heatmap
//   npm test       — install, build, lint, typecheck and run every test; ends with "N passed, N failed"
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pinned = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager; // pnpm@x.y.z
const isWin = process.platform === "win32";

function run(cmd, args, { capture = false } = {}) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: capture ? ["inherit", "pipe", "inherit"] : "inherit", shell: isWin, encoding: "utf8", env: { ...process.env, FORCE_COLOR: capture ? "0" : process.env.FORCE_COLOR } });
  if (capture && res.stdout) process.stdout.write(res.stdout);
  if (res.status !== 0) {
    process.stderr.write(`\n[quickstart] ${cmd} ${args.join(" ")} failed with exit code ${res.status}\n`);
    process.exit(res.status ?? 1);
  }
  return res.stdout ?? "";
}

// Use the pinned pnpm through npx, so nothing has to be installed globally.
const pnpm = (...args) => ["--yes", pinned, ...args];
run("npx", pnpm("install", "--frozen-lockfile", "--reporter=append-only"));

const mode = process.argv[2] ?? "demo";
if (mode === "demo") {
  run("npx", pnpm("turbo", "run", "build", "--output-logs=errors-only"));
  const extra = process.argv.slice(3);
  const args = extra.length
    ? extra
    : // key-value recall on the trained default model (models/tiny-kv): it answers 7; the pair "b 7" and the query "b" light up
      ["attribute", "-a", "integrated_gradients", "-i", "a 3 b 7 c 1 d 5 ; b =", "--step-scores", "probability"];
  run("node", [join(root, "apps/cli/dist/bin.js"), ...args]);
} else if (mode === "test") {
  const out = run("npx", pnpm("turbo", "run", "build", "lint", "typecheck", "test", "--output-logs=new-only", "--concurrency=1", "--continue"), { capture: true });
  let passed = 0, failed = 0, skipped = 0;
  for (const m of out.matchAll(/Tests\s+(.*)\(\d+\)/g)) {
    passed += Number(/(\d+) passed/.exec(m[1])?.[1] ?? 0);
    failed += Number(/(\d+) failed/.exec(m[1])?.[1] ?? 0);
    skipped += Number(/(\d+) skipped/.exec(m[1])?.[1] ?? 0);
  }
  if (!existsSync(join(root, "apps/cli/dist/bin.js"))) { console.error("[quickstart] the CLI was not built"); process.exit(1); }
  console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  if (failed > 0 || passed === 0) process.exit(1);
} else {
  console.error(`unknown mode ${mode}; use demo or test`);
  process.exit(2);
}
