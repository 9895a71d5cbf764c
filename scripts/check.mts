/**
 * `npm test`'s first step. It first says which system packages the suite needs and lacks (the
 * e2e tests drive Debian's Chromium and make their fake-camera video with ffmpeg; on the servers
 * the deployment test runs nginx), rather than
 * failing twenty minutes in. Then ESLint runs beside the type check and the build, not one after the other.
 * Each is mostly one thread (ESLint's type-aware rules, tsc), so on a two-core machine this
 * takes about as long as the longer branch instead of the sum. Each branch's output is printed
 * whole when it ends, not interleaved; the step fails if either branch does.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";

/**
 * Kept in step with playwright.config.ts (executablePath), tests/e2e/pages/fake-camera.ts,
 * tests/e2e/https.spec.ts (certutil) and, on the servers (DATABASE_URL and REDIS_URL),
 * tests/integration/nginx.test.ts.
 */
const serverMode = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
const missing = [
  fs.existsSync("/usr/bin/chromium") ? null : "chromium",
  spawnSync("ffmpeg", ["-version"], { stdio: "ignore" }).error ? "ffmpeg" : null,
  serverMode && !fs.existsSync("/usr/sbin/nginx") ? "nginx" : null,
  // The https e2e spec (embedded pass only) trusts the local authority through an NSS database.
  !serverMode && spawnSync("certutil", ["-H"], { stdio: "ignore" }).error ? "libnss3-tools" : null,
].filter((name) => name !== null);
if (missing.length > 0) {
  console.error(`npm test needs ${missing.join(", ")} (Debian packages). Install with:\n  sudo apt-get install -y ${missing.join(" ")}`);
  process.exit(1);
}

const branches = [
  ["npm run lint"],
  ["npm run typecheck", "npm run build:if-needed"],
];

function run(commands: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(commands.join(" && "), { shell: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("close", (code) => {
      process.stdout.write(`\n== ${commands.join(" && ")} (${code === 0 ? "passed" : `failed, exit ${code}`})\n${output}`);
      resolve({ code: code ?? 1, output });
    });
  });
}

const results = await Promise.all(branches.map(run));
process.exit(results.some((result) => result.code !== 0) ? 1 : 0);
