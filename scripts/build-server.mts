/**
 * The custom server (server/main.ts and everything it imports) bundled ahead of time into
 * dist/server/main.mjs, so `npm start` runs plain JavaScript with no TypeScript loader in the
 * process. Packages stay in node_modules (imported at run time, as Next's own bundles do).
 *
 * Run on its own (`npx tsx scripts/build-server.mts`) or from ensure-build.mts.
 */
import path from "node:path";
import { build } from "esbuild";

export const SERVER_ENTRY = "server/main.ts";
export const SERVER_BUNDLE = path.join("dist", "server", "main.mjs");

export async function buildServer(root = process.cwd()): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: [SERVER_ENTRY],
    outfile: SERVER_BUNDLE,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    alias: { "~": root },
    sourcemap: true,
    logLevel: "warning",
  });
}

if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) {
  await buildServer();
  console.log(`[floorchat] Server bundled into ${SERVER_BUNDLE}.`);
}
