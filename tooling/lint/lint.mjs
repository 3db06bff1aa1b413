#!/usr/bin/env node
// Project lint: the dependency direction of DESIGN.md, ESM-correct relative imports, and declared dependencies.
// Usage: node tooling/lint/lint.mjs <package-folder>
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** Which workspace packages each package may import (DESIGN.md, "Packages"). */
const allowed = {
  "@inseqjs/core": [],
  "@inseqjs/backend-tfjs": [],
  "@inseqjs/gradient": ["@inseqjs/core"],
  "@inseqjs/layer": ["@inseqjs/core"],
  "@inseqjs/dig": ["@inseqjs/core"],
  "@inseqjs/eval": ["@inseqjs/core"],
  "@inseqjs/viz": ["@inseqjs/core"],
  "@inseqjs/transformers": ["@inseqjs/core", "@inseqjs/backend-tfjs"],
  inseqjs: ["@inseqjs/core", "@inseqjs/gradient", "@inseqjs/layer", "@inseqjs/dig", "@inseqjs/transformers", "@inseqjs/backend-tfjs", "@inseqjs/viz"],
};

const dir = process.argv[2] ?? ".";
const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
const problems = [];

function* files(d) {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) { if (name !== "node_modules" && name !== "dist") yield* files(p); }
    else if (/\.(ts|mts|tsx)$/.test(name) && !name.endsWith(".d.ts")) yield p;
  }
}

const importRe = /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/gm;
for (const srcDir of ["src", "test"]) {
  let exists = true;
  try { statSync(join(dir, srcDir)); } catch { exists = false; }
  if (!exists) continue;
  for (const file of files(join(dir, srcDir))) {
    const text = readFileSync(file, "utf8");
    const isTest = /\.test\.ts$/.test(file) || file.includes("/testing/");
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3];
      const where = `${relative(process.cwd(), file)}: "${spec}"`;
      if (spec.startsWith(".")) {
        if (!/\.(js|json)$/.test(spec)) problems.push(`${where} — relative imports must end in .js (ESM output runs in Node as written)`);
        continue;
      }
      if (spec.startsWith("node:")) continue;
      const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
      if (name.startsWith("@inseqjs/") || name === "inseqjs") {
        const ok = allowed[pkg.name];
        if (ok && !ok.includes(name) && !isTest) problems.push(`${where} — ${pkg.name} may not import ${name} (dependency direction, DESIGN.md)`);
      }
      if (!declared.has(name) && !isTest) problems.push(`${where} — ${name} is not declared in package.json`);
    }
  }
}
if (problems.length) { console.error(problems.join("\n")); process.exit(1); }
console.log(`lint: ${pkg.name} ok`);
