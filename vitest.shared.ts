import { defineConfig } from "vitest/config";

// Tests run against the TypeScript sources of workspace packages (the "@inseqjs/source" export condition),
// so a change in core is seen by the gradient tests without a rebuild.
export default defineConfig({
  resolve: { conditions: ["@inseqjs/source"] },
  ssr: { resolve: { conditions: ["@inseqjs/source"], externalConditions: [] } },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    server: { deps: { inline: [/@inseqjs\//] } },
  },
});
