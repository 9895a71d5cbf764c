/**
 * `npm start` and every benchmark build only when needed: when there is no production build yet
 * (Next's .next, or the server bundle dist/server/main.mjs), or when the sources it was built
 * from have changed since (a fingerprint of their contents, stamped beside each build).
 * `npm run build` (`--force`) builds both regardless.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { SERVER_BUNDLE, buildServer } from "./build-server.mjs";
import { copyEmojiData } from "./emoji-data";
import { copyScannerWasm } from "./scanner-wasm";

const inputs = ["app", "components", "contracts", "lib", "server", "db", "public", "next.config.mjs", "tsconfig.json", "package-lock.json"];
const ignored = new Set(["node_modules", ".next", ".data"]);

function* files(root: string, entry: string): Generator<string> {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return;
  if (!fs.statSync(full).isDirectory()) {
    yield entry;
    return;
  }
  for (const child of fs.readdirSync(full).sort()) {
    if (ignored.has(child) || child.endsWith(".test.ts")) continue;
    yield* files(root, path.join(entry, child));
  }
}

function fingerprint(root: string, extra: string[] = []): string {
  const hash = createHash("sha256");
  for (const input of [...inputs, ...extra]) {
    for (const file of files(root, input)) hash.update(file).update("\0").update(fs.readFileSync(path.join(root, file)));
  }
  return hash.digest("hex");
}

const readStamp = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "");

export async function ensureBuild(options: { root?: string; force?: boolean } = {}): Promise<void> {
  const root = options.root ?? process.cwd();
  // Before the fingerprint: the copied .wasm and emoji data are part of what the build serves.
  copyScannerWasm(root);
  copyEmojiData(root);

  const nextStamp = path.join(root, ".next", "floorchat-source-hash");
  const nextWanted = fingerprint(root);
  const nextBuilt = fs.existsSync(path.join(root, ".next", "BUILD_ID")) ? readStamp(nextStamp) : "";
  if (!options.force && nextBuilt === nextWanted) {
    console.log("[floorchat] Production build is up to date.");
  } else {
    console.log("[floorchat] Building the app (next build); the first start takes a minute or two…");
    const result = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    });
    if (result.status !== 0) throw new Error("The build failed; see the output above.");
    fs.writeFileSync(nextStamp, nextWanted);
  }

  // The bundler's settings are part of what the bundle was built from.
  const serverStamp = path.join(root, path.dirname(SERVER_BUNDLE), "floorchat-source-hash");
  const serverWanted = fingerprint(root, ["scripts/build-server.mts"]);
  const serverBuilt = fs.existsSync(path.join(root, SERVER_BUNDLE)) ? readStamp(serverStamp) : "";
  if (options.force || serverBuilt !== serverWanted) {
    await buildServer(root);
    fs.writeFileSync(serverStamp, serverWanted);
    console.log(`[floorchat] Server bundled into ${SERVER_BUNDLE}.`);
  }
}

if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) {
  try {
    await ensureBuild({ force: process.argv.includes("--force") });
  } catch (error) {
    console.error(`[floorchat] ${(error as Error).message}`);
    process.exit(1);
  }
}
