import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (tooling/bench/dist → ../../..). */
function repoRoot(): string {
  return fileURLToPath(new URL("../../../", import.meta.url));
}

/** Folder of the snapshot `name` under `cacheDir`. */
export function snapshotDir(cacheDir: string, name: string): string {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`snapshot name "${name}" must be letters, digits, '.', '_' or '-'.`);
  return join(cacheDir, "snapshots", name);
}

/** The worker entry of the snapshot `name` (its copy of this package's `dist/bin.js`). */
export function snapshotWorker(cacheDir: string, name: string): string {
  const bin = join(snapshotDir(cacheDir, name), "bench", "dist", "bin.js");
  if (!existsSync(bin)) throw new Error(`no snapshot "${name}" in ${cacheDir}; create it with --snapshot ${name} after building.`);
  return bin;
}

function entries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => (n.startsWith("@") ? readdirSync(join(dir, n)).map((m) => `${n}/${m}`) : n.startsWith(".") ? [] : [n]));
}

/**
 * Freezes the built code of every workspace package (`packages/*​/dist`) and of this bench into
 * `<cacheDir>/snapshots/<name>`, with their third-party dependencies linked: a later `--variants` run measures that
 * code even after the sources (and the live `dist` folders) changed. Measuring several snapshots in interleaved
 * rounds is how each optimisation's before/after was taken on a shared, noisy machine.
 */
export function createSnapshot(cacheDir: string, name: string): string {
  const root = repoRoot();
  const snap = snapshotDir(cacheDir, name);
  rmSync(snap, { recursive: true, force: true });
  const modules = join(snap, "node_modules");
  mkdirSync(modules, { recursive: true });
  const packageDirs = readdirSync(join(root, "packages")).map((p) => join(root, "packages", p)).filter((p) => existsSync(join(p, "package.json")));
  const workspace = new Map(packageDirs.map((p) => [(JSON.parse(readFileSync(join(p, "package.json"), "utf8")) as { name: string }).name, p]));
  for (const [pkgName, dir] of workspace) {
    if (!existsSync(join(dir, "dist"))) continue;
    const target = join(modules, pkgName);
    mkdirSync(target, { recursive: true });
    cpSync(join(dir, "package.json"), join(target, "package.json"));
    cpSync(join(dir, "dist"), join(target, "dist"), { recursive: true });
  }
  const benchDir = join(root, "tooling", "bench");
  for (const dir of [...workspace.values(), benchDir]) {
    for (const dep of entries(join(dir, "node_modules"))) {
      const link = join(modules, dep);
      if (workspace.has(dep) || existsSync(link) || dep.startsWith("@inseqjs/tsconfig")) continue;
      mkdirSync(dirname(link), { recursive: true });
      const real = realpathSync(join(dir, "node_modules", dep));
      if (lstatSync(real).isDirectory()) symlinkSync(real, link, "dir");
    }
  }
  const bench = join(snap, "bench");
  mkdirSync(bench, { recursive: true });
  for (const part of ["package.json", "dist", "python"]) cpSync(join(benchDir, part), join(bench, part), { recursive: true });
  return snap;
}
