/**
 * Start-up time: from `npm start` to the first 200 from /api/health, on a fresh embedded data
 * directory (migrate + seed) and again on the same directory. Prints figures; never fails a build.
 *
 *   npm run bench            (uses the current build; a stale one is rebuilt and that shows)
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const port = 3300;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-bench-"));

async function startOnce(label: string): Promise<void> {
  const started = performance.now();
  const child = spawn("npm", ["start"], {
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: "", REDIS_URL: "" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 600_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`no healthy server within 10 minutes:\n${output}`);
    const healthy = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.status === 200, () => false);
    if (healthy) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const ms = performance.now() - started;
  const built = output.includes("Building the app") ? " (included a production build)" : "";
  console.log(`${label.padEnd(34)} ${(ms / 1000).toFixed(2)} s${built}`);
  const exited = new Promise((resolve) => child.on("exit", resolve));
  process.kill(-child.pid!, "SIGTERM");
  await exited;
}

console.log(`npm start → first 200 from /api/health (DATA_DIR=${dataDir}, ${os.cpus().length} cores)`);
await startOnce("first start (migrate + demo seed)");
await startOnce("second start (existing data)");
fs.rmSync(dataDir, { recursive: true, force: true });
