// One-off scaffold helper kept for adding packages: node tooling/scaffold.mjs <folder> <npm-name> <description> [deps...]
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
const [folder, name, description, ...deps] = process.argv.slice(2);
const dir = join(process.cwd(), folder);
mkdirSync(join(dir, "src"), { recursive: true });
const dependencies = {};
for (const d of deps) dependencies[d] = d.startsWith("@inseqjs/") || d === "inseqjs" ? "workspace:*" : (d.startsWith("@tensorflow/") ? "4.22.0" : "*");
const pkg = {
  name, version: "0.1.0", description, license: "Apache-2.0", type: "module", sideEffects: false,
  exports: { ".": { "@inseqjs/source": "./src/index.ts", types: "./dist/index.d.ts", import: "./dist/index.js" }, "./package.json": "./package.json" },
  types: "./dist/index.d.ts",
  files: ["dist", "README.md"],
  publishConfig: { access: "public", exports: { ".": { types: "./dist/index.d.ts", import: "./dist/index.js" }, "./package.json": "./package.json" } },
  scripts: {
    build: "tsc -p tsconfig.build.json",
    typecheck: "tsc -p tsconfig.json --noEmit",
    lint: "node ../../tooling/lint/lint.mjs .",
    test: "vitest run --config ../../vitest.shared.ts --passWithNoTests",
  },
  dependencies,
  devDependencies: { "@inseqjs/tsconfig": "workspace:*" },
};
if (!existsSync(join(dir, "package.json"))) writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: "@inseqjs/tsconfig/base.json", include: ["src"] }, null, 2) + "\n");
writeFileSync(join(dir, "tsconfig.build.json"), JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { outDir: "dist", rootDir: "src" }, include: ["src"], exclude: ["src/**/*.test.ts", "src/**/testing/**"] }, null, 2) + "\n");
