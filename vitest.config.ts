import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "~": path.resolve(import.meta.dirname) } },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".next/**", "tests/e2e/**", ".data*/**"],
    environment: "node",
    pool: "forks",
    globalSetup: ["tests/factories/pglite-template.ts"],
    // Vitest's default on two cores is one worker, and that worker waits a quarter of the time
    // (child processes starting, databases being created): three keep both cores busy.
    maxWorkers: Math.max(3, os.availableParallelism() - 1),
    // Opening a fresh database (PGlite in WASM, or a new PostgreSQL database) and migrating it
    // takes a few seconds on these machines.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
