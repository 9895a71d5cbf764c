/**
 * Lighthouse (mobile preset: a mid-range phone on slow 4G, simulated) against the production
 * build with the local Chromium: the sign-in page and a signed-in conversation holding 50 messages. Installability
 * comes from Chromium itself (Page.getInstallabilityErrors); Lighthouse 12 has no PWA audits.
 * Prints a table and a JSON line.
 *
 *   npm run bench:lighthouse
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { chromium } from "playwright-core";
import { SERVER_BUNDLE } from "~/scripts/build-server.mjs";
import { ensureBuilt } from "./lib/instances";

const port = 3391;
const base = `http://localhost:${port}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-lighthouse-"));
const chromeFlags = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

await ensureBuilt();

const server = spawn(process.execPath, [SERVER_BUNDLE], {
  env: { ...process.env, PORT: String(port), PUBLIC_URL: base, DATA_DIR: dataDir, DATABASE_URL: "", REDIS_URL: "", NODE_ENV: "production", SEED_DEMO: "1" },
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

// A session cookie and the company chat's id, by signing in as a person would.
// A persistent profile: Chromium never offers to install from an incognito window.
const profile = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-lighthouse-profile-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  args: chromeFlags.slice(1),
  viewport: { width: 412, height: 823 },
});
const page = await context.newPage();
await page.goto(`${base}/sign-in`);
const cdp = await context.newCDPSession(page);
// The service worker registers after load; Chromium judges installability once it controls the page.
await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, { timeout: 30_000 }).catch(() => undefined);
const { installabilityErrors } = (await cdp.send("Page.getInstallabilityErrors")) as { installabilityErrors: { errorId: string }[] };
await page.locator("input[name=username]").fill("manager");
await page.locator("input[name=password]").fill("floorchat");
await page.locator("button[type=submit]").click();
await page.waitForURL(/\/chats$/);
await page.getByRole("link", { name: /Acme Logistics/ }).first().click();
await page.waitForURL(/\/chats\/[0-9a-f-]{36}$/);
const conversationUrl = page.url();
// The conversation is measured as people see it: with a screenful and more of history (the
// issue's 50 messages), posted by the bench through message.send as the app sends them.
const chatId = conversationUrl.split("/").at(-1)!;
const posted = await page.evaluate(async (chatId) => {
  let sent = 0;
  while (sent < 50) {
    const response = await fetch("/api/trpc/message.send", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: { chatId, clientId: `lighthouse-${sent}-${Date.now()}`, body: `Pallet ${sent + 1} of 50 is staged at dock ${(sent % 6) + 1}; the driver signs for it at the gate.` } }),
    });
    // The send rate limit (10/s) paces the bench; anything else is a failure.
    if (response.status === 429) await new Promise((resolve) => setTimeout(resolve, 200));
    else if (response.ok) sent++;
    else throw new Error(`message.send answered ${response.status}`);
  }
  return sent;
}, chatId);
if (posted !== 50) throw new Error(`posted ${posted} of 50 messages`);
const cookies = await context.cookies();
await context.close();
fs.rmSync(profile, { recursive: true, force: true });

/**
 * Signs Lighthouse's browser in as a person's would be: the session in its cookie jar (Lighthouse
 * resets caches and storage before each audit, never cookies). A Cookie request header would
 * not do: the page writes a cookie of its own (the time zone), and from then on the browser
 * sends the jar's cookies in place of the header, signed out.
 */
async function signInLighthouseBrowser() {
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${chrome.port}`);
  await browser.contexts()[0]!.addCookies(cookies);
  await browser.close();
}

type Figures = { performance: number; lcp_ms: number; tbt_ms: number; cls: number };

const chrome = await chromeLauncher.launch({ chromePath: process.env.CHROME_PATH ?? "/usr/bin/chromium", chromeFlags });
async function audit(url: string): Promise<Figures> {
  const result = await lighthouse(url, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance"] });
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const { categories, audits } = result.lhr;
  // The whole report, for finding where the time goes (bootup-time, mainthread-work-breakdown…).
  if (process.env.LIGHTHOUSE_SAVE) fs.writeFileSync(path.join(process.env.LIGHTHOUSE_SAVE, `${new URL(url).pathname.split("/")[1]}.json`), JSON.stringify(result.lhr));
  return {
    performance: Math.round((categories.performance?.score ?? 0) * 100),
    lcp_ms: Math.round(audits["largest-contentful-paint"]?.numericValue ?? 0),
    tbt_ms: Math.round(audits["total-blocking-time"]?.numericValue ?? 0),
    cls: Math.round((audits["cumulative-layout-shift"]?.numericValue ?? 0) * 1000) / 1000,
  };
}

try {
  // Signed out first: a signed-in browser is sent on from /sign-in to its chats.
  const signIn = await audit(`${base}/sign-in`);
  await signInLighthouseBrowser();
  const pages = { "sign-in": signIn, conversation: await audit(conversationUrl) };
  const installable = installabilityErrors.length === 0;
  console.log("page          performance   LCP ms   TBT ms   CLS");
  for (const [name, f] of Object.entries(pages)) {
    console.log(`${name.padEnd(14)}${String(f.performance).padStart(11)}${String(f.lcp_ms).padStart(9)}${String(f.tbt_ms).padStart(9)}${String(f.cls).padStart(6)}`);
  }
  console.log(`installable: ${installable}${installable ? "" : ` (${installabilityErrors.map((e) => e.errorId).join(", ")})`}`);
  console.log(JSON.stringify({ bench: "lighthouse", pages, installable }));
} finally {
  chrome.kill();
  stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
