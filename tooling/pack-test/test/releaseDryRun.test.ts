import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand, runPnpm } from "./runCommand.js";

// A release as the maintainers run it (`changeset version`, then `pnpm -r publish`), on a scratch copy of the
// repository so that the working tree is never touched; publish is a dry run.
const repo = fileURLToPath(new URL("../../../", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "inseqjs-release-"));

interface Manifest { name: string; version: string; private?: boolean }
const manifests = (root: string): Manifest[] =>
  ["packages", "apps", "tooling"].flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((p) => existsSync(join(root, dir, p, "package.json")))
      .map((p) => JSON.parse(readFileSync(join(root, dir, p, "package.json"), "utf8")) as Manifest),
  );

describe("release dry run on a scratch copy", () => {
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("changeset version bumps the changed packages, then pnpm -r publish --dry-run succeeds", () => {
    // tracked + untracked (not ignored) files, plus the built dist folders the tarballs need
    const files = runCommand("git", ["ls-files", "-co", "--exclude-standard", "-z"], repo).split("\0").filter((f) => f && existsSync(join(repo, f)));
    for (const f of files) {
      mkdirSync(dirname(join(scratch, f)), { recursive: true });
      cpSync(join(repo, f), join(scratch, f));
    }
    for (const p of readdirSync(join(repo, "packages"))) {
      if (existsSync(join(repo, "packages", p, "dist"))) cpSync(join(repo, "packages", p, "dist"), join(scratch, "packages", p, "dist"), { recursive: true });
    }
    // a real install of the copy (from the local pnpm store: no download) links the workspace packages for publish
    runPnpm(["install", "--offline", "--frozen-lockfile", "--ignore-scripts", "--reporter=append-only"], scratch, 300_000);
    const pending = readdirSync(join(scratch, ".changeset")).filter((f) => f.endsWith(".md") && f !== "README.md");
    expect(pending.length, "there are changesets to release").toBeGreaterThan(0);
    const before = new Map(manifests(scratch).map((m) => [m.name, m.version]));

    runPnpm(["exec", "changeset", "version"], scratch, 120_000);

    const after = manifests(scratch);
    const bumped = after.filter((m) => before.get(m.name) !== m.version);
    expect(bumped.length).toBeGreaterThan(0);
    expect(bumped.map((m) => m.name)).toContain("@inseqjs/backend-tfjs");
    expect(existsSync(join(scratch, "packages/backend-tfjs/CHANGELOG.md"))).toBe(true);
    expect(readdirSync(join(scratch, ".changeset")).filter((f) => f.endsWith(".md") && f !== "README.md")).toEqual([]);
    expect(existsSync(join(repo, "packages/backend-tfjs/CHANGELOG.md")), "the repository itself is untouched").toBe(false);

    const out = runPnpm(["-r", "publish", "--dry-run", "--no-git-checks", "--reporter=append-only"], scratch, 300_000);
    for (const m of after.filter((x) => !x.private)) {
      expect(out, `${m.name}@${m.version} would be published`).toMatch(new RegExp(`${m.name.replace("/", "\\/")}@${m.version.replace(/\./g, "\\.")}`));
    }
  }, 420_000);
});
