import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type AppProcess, freePorts, startApp, stopApp, waitHealthy } from "../factories/app-process";
import { accessibilityViolations, horizontalOverflow, keepScreenshots, smallTargets } from "./pages/checks";
import { BROWSER_SIDE, PRESENTATION, expect, test } from "./test";

/**
 * HTTPS on a LAN (README): an app of its own, started with the certificate `npm run tls:local`
 * made, opened by a Chromium that trusts the generated authority the way a tablet would once
 * someone has installed it: the authority in the browser's certificate store (an NSS database
 * in a HOME of its own, filled with certutil from libnss3-tools), not an error-ignoring flag.
 */

let root = "";
let app: AppProcess | undefined;
let httpOrigin = "";
let ca = "";

async function startTlsApp() {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-https-e2e-"));
  const dataDir = path.join(root, "data");
  const tlsDir = path.join(dataDir, "tls");
  const embedded = { DATABASE_URL: "", REDIS_URL: "", AUTH_SECRET: "", S3_BUCKET: "", SEED_DEMO: "0", DATA_DIR: dataDir };
  execFileSync(process.execPath, ["--import", "tsx", "scripts/tls-local.mts"], {
    env: { ...process.env, ...embedded, PORT: "", HTTP_PORT: "", TLS_CERT: "", TLS_KEY: "" },
    stdio: "ignore",
  });
  ca = fs.readFileSync(path.join(tlsDir, "ca.crt"), "utf8");
  const [port, httpPort] = await freePorts(2);
  httpOrigin = `http://127.0.0.1:${httpPort}`;
  app = startApp(port!, { ...embedded, TLS_CERT: path.join(tlsDir, "server.crt"), TLS_KEY: path.join(tlsDir, "server.key"), HTTP_PORT: String(httpPort) }, { ca });
  await waitHealthy(app);
}

/** A HOME whose NSS database (where Chromium on Linux keeps user-added authorities) trusts `ca`. */
function homeTrusting(caPem: string): string {
  const home = path.join(root, "home");
  const nssdb = path.join(home, ".pki", "nssdb");
  fs.mkdirSync(nssdb, { recursive: true });
  const caFile = path.join(root, "ca.crt");
  fs.writeFileSync(caFile, caPem);
  try {
    execFileSync("certutil", ["-d", `sql:${nssdb}`, "-N", "--empty-password"], { stdio: "pipe" });
    // C,, : a trusted authority for servers (the first of the three trust fields: TLS).
    execFileSync("certutil", ["-d", `sql:${nssdb}`, "-A", "-t", "C,,", "-n", "Floorchat local CA", "-i", caFile], { stdio: "pipe" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new Error("certutil is missing: apt-get install libnss3-tools (.ci/run installs it)");
    throw error;
  }
  return home;
}

test.describe("HTTPS on a LAN with the local certificate authority", BROWSER_SIDE, () => {
  test.beforeAll(startTlsApp);
  test.afterAll(async () => {
    if (app) await stopApp(app);
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  test("a browser that trusts the authority gets a secure context over https, and the service worker with it", async ({ playwright, launchOptions }) => {
    const browser = await playwright.chromium.launch({ ...launchOptions, env: { ...process.env, HOME: homeTrusting(ca) } });
    try {
      const context = await browser.newContext({ serviceWorkers: "allow", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      const page = await context.newPage();
      const response = await page.goto(`${app!.origin}/sign-in`);
      expect(response?.status()).toBe(200);
      // Trusted through the generated authority: Chromium names it as the issuer it checked.
      expect((await response?.securityDetails())?.issuer).toBe(new X509Certificate(ca).subject.match(/^CN=(.*)$/m)?.[1]);
      expect(await page.evaluate(() => ({ isSecureContext: window.isSecureContext, hasServiceWorker: "serviceWorker" in navigator, protocol: location.protocol }))).toEqual({
        isSecureContext: true,
        hasServiceWorker: true,
        protocol: "https:",
      });
      // The sign-in page registers the worker in a secure context only (components/pwa/service-worker.tsx).
      const worker = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL);
      expect(worker).toBe(`${app!.origin}/serwist/sw.js`);
    } finally {
      await browser.close();
    }
  });

  test("a browser that does not trust the authority is stopped with a certificate error", async ({ page }) => {
    await expect(page.goto(`${app!.origin}/sign-in`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
  });

  test("the install page fits a phone, has 48 px targets, meets WCAG AA in English and Polish, light and dark, and runs under the app's CSP", PRESENTATION, async ({ page, browser }, testInfo) => {
    const blocked: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") blocked.push(message.text());
    });
    const response = await page.goto(`${httpOrigin}/install-certificate`);
    expect(response?.headers()["content-security-policy"]).toContain("default-src 'self'");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Trust this server’s certificate");
    await expect(page.getByText(new X509Certificate(ca).fingerprint256)).toBeVisible();
    await expect(page.getByRole("link", { name: "Download the certificate" })).toHaveAttribute("href", "/install-certificate/ca.crt");
    expect(await smallTargets(page)).toEqual([]);
    expect(await horizontalOverflow(page)).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await keepScreenshots(page, testInfo, "install-certificate-en-light");

    // The browser's language decides (Accept-Language): a phone set to Polish.
    const polish = await (await browser.newContext({ locale: "pl-PL", colorScheme: "dark", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
    polish.on("console", (message) => {
      if (message.type() === "error") blocked.push(message.text());
    });
    await polish.goto(`${httpOrigin}/install-certificate`);
    await expect(polish.locator("html")).toHaveAttribute("lang", "pl");
    await expect(polish.getByRole("link", { name: "Pobierz certyfikat" })).toBeVisible();
    expect(await smallTargets(polish)).toEqual([]);
    expect(await horizontalOverflow(polish)).toBe(0);
    expect(await accessibilityViolations(polish)).toEqual([]);
    await keepScreenshots(polish, testInfo, "install-certificate-pl-dark");
    expect(blocked).toEqual([]);
  });
});
