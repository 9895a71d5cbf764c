import { spawnSync } from "node:child_process";
import { createSerwistRoute } from "@serwist/turbopack";

// The offline page's revision changes with every build, so an update refreshes it.
const revision = spawnSync("git", ["rev-parse", "HEAD"], { encoding: "utf-8" }).stdout?.trim() || crypto.randomUUID();

export const { dynamic, dynamicParams, revalidate, generateStaticParams, GET } = createSerwistRoute({
  swSrc: "app/sw.ts",
  // The native esbuild: esbuild-wasm (the default off Windows) is not installed.
  useNativeEsbuild: true,
  // A classic script, not a module: older iOS Safari runs only classic service workers.
  esbuildOptions: { format: "iife" },
  // App-router pages are rendered per request; the offline fallback must be fetched at install.
  additionalPrecacheEntries: [{ url: "/offline", revision }],
});
