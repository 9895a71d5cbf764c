import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { BROWSER_SIDE, type Page, test as base, expect } from "./test";
import { fakeCameraArgs, qrCodeVideo } from "./pages/fake-camera";
import { signInAs } from "./pages/people-page";
import { CHAT_URL, conversationTitle } from "./pages/scan-page";

const test = base;

/** The demo seed's order on the fake camera's label. */
const CAMERA_ORDER = "SO-10009";

/** Chromium with a fake camera showing a QR code of CAMERA_ORDER (made once per worker). */
const cameraTest = base.extend<object, { qrCameraVideo: string }>({
  qrCameraVideo: [
    async ({}, use, workerInfo) => {
      await use(await qrCodeVideo(path.join(workerInfo.project.outputDir, `csp-camera-${workerInfo.workerIndex}`), CAMERA_ORDER));
    },
    { scope: "worker" },
  ],
  launchOptions: [
    async ({ launchOptions, qrCameraVideo }, use) => {
      await use({ ...launchOptions, args: [...(launchOptions.args ?? []), ...fakeCameraArgs(qrCameraVideo)] });
    },
    { scope: "worker" },
  ],
});

/**
 * Every Content-Security-Policy violation the page reports: the `securitypolicyviolation`
 * events of each document it loads, and the console errors Chromium prints for them.
 */
async function recordViolations(page: Page): Promise<() => Promise<string[]>> {
  const console: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text())) console.push(message.text());
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) => seen.push(`${event.effectiveDirective} ${event.blockedURI}`));
  });
  return async () => [...console, ...(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations))];
}

test.describe("security headers", BROWSER_SIDE, () => {
  test("pages, static files and the API all carry the security headers", async ({ page, request }) => {
    const response = await page.goto("/sign-in");
    const headers = response!.headers();
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["content-security-policy"]).toContain("script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'");
    expect(headers["content-security-policy"]).not.toContain("'unsafe-eval'");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("same-origin");
    expect(headers["permissions-policy"]).toBe("camera=(self), microphone=(), geolocation=()");
    // The test server's PUBLIC_URL is plain http, where HSTS has no place.
    expect(headers["strict-transport-security"]).toBeUndefined();

    for (const url of ["/api/health", "/api/stream", "/api/trpc/user.me", "/manifest.webmanifest", "/serwist/sw.js"]) {
      const other = await request.get(url, { maxRedirects: 0 });
      expect(other.headers()["x-content-type-options"], url).toBe("nosniff");
      expect(other.headers()["content-security-policy"], url).toContain("default-src 'self'");
    }
  });

  test("a page on another origin cannot show the app in a frame", async ({ page, baseURL }) => {
    // Another site, on another port of this machine, that frames our sign-in page.
    const framer = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<!doctype html><title>framer</title><iframe src="${baseURL}/sign-in" onload="document.title='loaded'"></iframe>`);
    });
    await new Promise<void>((resolve) => framer.listen(0, "127.0.0.1", resolve));
    try {
      const framed = page.waitForResponse((response) => response.url() === `${baseURL}/sign-in`);
      await page.goto(`http://127.0.0.1:${(framer.address() as AddressInfo).port}/`);
      // The browser fetched our page, and the frame finished loading: only then is "nothing shown" an answer.
      expect((await framed).status()).toBe(200);
      await expect(page).toHaveTitle("loaded");
      const frame = page.frames().find((f) => f !== page.mainFrame())!;
      expect(frame.url()).not.toBe(`${baseURL}/sign-in`);
      await expect(page.frameLocator("iframe").getByRole("button", { name: "Sign in" })).toHaveCount(0);
    } finally {
      framer.closeAllConnections();
      await new Promise<void>((resolve) => framer.close(() => resolve()));
    }
  });
});

cameraTest.describe("security headers, with the app in use", BROWSER_SIDE, () => {
  cameraTest("the scanner's WebAssembly reader and the emoji picker run without a policy violation", async ({ page }) => {
    const violations = await recordViolations(page);
    // Hide the browser's own detector, so the scan goes through the ZXing WebAssembly reader.
    await page.addInitScript(() => delete (window as { BarcodeDetector?: unknown }).BarcodeDetector);
    await signInAs(page, "picker");
    const wasm = page.waitForResponse((response) => response.url().includes("/wasm/zxing_reader.wasm"));
    await page.goto("/scan");
    // Camera start, the reader's first load and the look-up: give a busy machine time.
    await expect(page).toHaveURL(CHAT_URL, { timeout: 20_000 });
    await expect(conversationTitle(page)).toHaveText(new RegExp(`^${CAMERA_ORDER} · `));
    expect((await wasm).status()).toBe(200);

    const composer = page.getByRole("textbox", { name: "Message" });
    await composer.fill("Checked ");
    await page.getByRole("button", { name: "Emoji" }).click();
    const sheet = page.getByRole("dialog", { name: "Choose an emoji" });
    await sheet.getByRole("combobox").fill("thumbs up");
    await sheet.getByRole("option", { name: /thumbs up/i }).first().click();
    await expect(composer).toHaveValue(/^Checked 👍\uFE0F?$/u);
    // The picker styles its own shadow DOM: it shows, laid out, only if its styles applied.
    await expect(sheet.getByRole("combobox")).toBeVisible();

    expect(await violations()).toEqual([]);
  });
});
