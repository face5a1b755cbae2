import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  // Docs and examples import the package by name, as users do; tests map it to the sources.
  resolve: {
    alias: [
      { find: /^scvi-ts$/, replacement: src("index.ts") },
      { find: /^scvi-ts\/(ppl|distributions|infer|scvi|testing)$/, replacement: src("$1/index.ts") },
    ],
  },
  test: {
    include: ["tests/**/*.test.ts"],
    setupFiles: ["tests/setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
