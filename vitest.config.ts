import { defineConfig } from "vitest/config";

const root = new URL(".", import.meta.url).pathname;

export default defineConfig({
  resolve: {
    // Tests and examples import "athanor" as users do; map it to the sources.
    alias: [
      { find: /^athanor$/, replacement: `${root}src/index.ts` },
      { find: /^athanor\/dialects\/(.*)$/, replacement: `${root}src/dialects/$1/index.ts` },
      { find: /^athanor\/adapters\/(.*)$/, replacement: `${root}adapters/$1/index.ts` },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/fixtures/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
  },
});
