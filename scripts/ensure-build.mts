/**
 * `npm start` builds only when needed: when there is no production build yet, or when the
 * sources it was built from have changed since (a fingerprint of their contents).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { copyEmojiData } from "./emoji-data";
import { copyScannerWasm } from "./scanner-wasm";

const root = process.cwd();
const inputs = ["app", "components", "lib", "server", "db", "public", "next.config.mjs", "tsconfig.json", "package-lock.json"];
const ignored = new Set(["node_modules", ".next", ".data"]);
const stampFile = path.join(root, ".next", "floorchat-source-hash");

function* files(entry: string): Generator<string> {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return;
  if (!fs.statSync(full).isDirectory()) {
    yield entry;
    return;
  }
  for (const child of fs.readdirSync(full).sort()) {
    if (ignored.has(child) || child.endsWith(".test.ts")) continue;
    yield* files(path.join(entry, child));
  }
}

function fingerprint(): string {
  const hash = createHash("sha256");
  for (const input of inputs) {
    for (const file of files(input)) hash.update(file).update("\0").update(fs.readFileSync(path.join(root, file)));
  }
  return hash.digest("hex");
}

// Before the fingerprint: the copied .wasm and emoji data are part of what the build serves.
copyScannerWasm(root);
copyEmojiData(root);
const wanted = fingerprint();
const built = fs.existsSync(path.join(root, ".next", "BUILD_ID")) && fs.existsSync(stampFile) ? fs.readFileSync(stampFile, "utf8") : "";

if (built === wanted) {
  console.log("[floorchat] Production build is up to date.");
} else {
  console.log("[floorchat] Building the app (next build); the first start takes a minute or two…");
  const result = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) {
    console.error("[floorchat] The build failed; see the output above.");
    process.exit(result.status ?? 1);
  }
  fs.writeFileSync(stampFile, wanted);
}
