/**
 * First-load JavaScript of each route, as a browser loads it: the production build is started,
 * a demo user signs in, each route is opened in Chromium with an empty cache, and every script
 * it fetched from the app is gzipped and summed. Prints a table and a JSON line.
 *
 *   npm run bench:bundle              (add -- --files to list each route's scripts)
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { SERVER_BUNDLE } from "~/scripts/build-server.mjs";
import { ensureBuilt } from "./lib/instances";

const port = 3390;
const listFiles = process.argv.includes("--files");
const base = `http://localhost:${port}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-bundle-"));

await ensureBuilt();

const server = spawn(process.execPath, [SERVER_BUNDLE], {
  env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: "", REDIS_URL: "", NODE_ENV: "production" },
  stdio: "ignore",
  detached: true,
});
const stop = () => {
  try {
    process.kill(-server.pid!, "SIGTERM");
  } catch {
    // already gone
  }
};
process.on("exit", stop);

for (let i = 0; ; i++) {
  if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) break;
  if (i > 600) throw new Error("server did not start");
  await new Promise((resolve) => setTimeout(resolve, 100));
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
});

async function firstLoad(route: string, user: string | null): Promise<{ kb: number; files: number; sizes: [string, number][] }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  if (user) {
    const page = await context.newPage();
    await page.goto(`${base}/sign-in`);
    await page.locator("input[name=username]").fill(user);
    await page.locator("input[name=password]").fill("floorchat");
    await page.locator("button[type=submit]").click();
    await page.waitForURL(/\/chats$/);
    await page.close();
  }
  const page = await context.newPage();
  const scripts = new Map<string, number>();
  const reading: Promise<void>[] = [];
  page.on("response", (response) => {
    const url = response.url();
    if (!url.startsWith(base) || response.request().resourceType() !== "script") return;
    reading.push(
      response.body().then(
        (body) => void scripts.set(url, gzipSync(body).length),
        () => undefined,
      ),
    );
  });
  await page.goto(base + route, { waitUntil: "networkidle" });
  // Every script fetched is counted: bodies still being read when the page went idle too.
  await Promise.all(reading);
  await context.close();
  const bytes = [...scripts.values()].reduce((sum, n) => sum + n, 0);
  const sizes = [...scripts].map(([url, size]): [string, number] => [url.slice(base.length), size]).sort((a, b) => b[1] - a[1]);
  return { kb: Math.round(bytes / 102.4) / 10, files: scripts.size, sizes };
}

// A conversation route needs a real chat id: the company chat's.
const probe = await browser.newContext();
const probePage = await probe.newPage();
await probePage.goto(`${base}/sign-in`);
await probePage.locator("input[name=username]").fill("manager");
await probePage.locator("input[name=password]").fill("floorchat");
await probePage.locator("button[type=submit]").click();
await probePage.waitForURL(/\/chats$/);
// A chat row by its kind: SMS contacts and History are links under /chats/ too.
const companyHref = await probePage.locator("a[data-chat-kind='company']").first().getAttribute("href");
await probe.close();
if (!companyHref) throw new Error("The manager's chat list has no company chat to measure /chats/[chatId] with");

// Every page route: the admin screens as the admin, the rest as a manager (the demo users).
const routes: [key: string, url: string, user: string | null][] = [
  ["/sign-in", "/sign-in", null],
  ["/chats", "/chats", "manager"],
  ["/chats/[chatId]", companyHref, "manager"],
  ["/people", "/people", "manager"],
  ["/search", "/search?q=pallet", "manager"],
  ["/settings", "/settings", "manager"],
  ["/manager", "/manager", "manager"],
  ["/scan", "/scan", "manager"],
  ["/admin", "/admin", "admin"],
  ["/admin/tokens", "/admin/tokens", "admin"],
  ["/admin/webhooks", "/admin/webhooks", "admin"],
  ["/admin/rotas", "/admin/rotas", "admin"],
  ["/admin/import", "/admin/import", "admin"],
  ["/admin/qr", "/admin/qr", "admin"],
];

const results: Record<string, { gzip_kb: number }> = {};
console.log("route               first-load JS (gzip)   scripts");
for (const [key, url, user] of routes) {
  const { kb, files, sizes } = await firstLoad(url, user);
  results[key] = { gzip_kb: kb };
  console.log(`${key.padEnd(20)}${`${kb} kB`.padStart(12)}${String(files).padStart(18)}`);
  if (listFiles) for (const [file, size] of sizes) console.log(`    ${(size / 1024).toFixed(1).padStart(7)} kB  ${file}`);
}
await browser.close();
stop();
fs.rmSync(dataDir, { recursive: true, force: true });
console.log(JSON.stringify({ bench: "bundle", routes: results }));
process.exit(0);
