import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "~": path.resolve(import.meta.dirname) } },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".next/**", "tests/e2e/**", ".data*/**"],
    environment: "node",
    pool: "forks",
    // Opening a fresh database (PGlite in WASM, or a new PostgreSQL database) and migrating it
    // takes a few seconds on these machines.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
