import path from "node:path";
import { BROWSER_SIDE, PRESENTATION, type Page, test as base, expect } from "./test";
import { accessibilityViolations, horizontalOverflow, smallTargets } from "./pages/checks";
import { fakeCameraArgs, imageVideo, qrCodeVideo } from "./pages/fake-camera";
import { signInAs } from "./pages/people-page";
import { CHAT_URL, ScanPage, conversationTitle, denyCamera, recordExternalRequests, recordResolvedCodes } from "./pages/scan-page";

const test = base;

/** The demo seed has orders SO-10001 … SO-10300; this one is on the fake camera's label. */
const CAMERA_ORDER = "SO-10007";

/** Chromium with a fake camera that shows a QR code of CAMERA_ORDER (made once per worker). */
const cameraTest = base.extend<object, { qrCameraVideo: string }>({
  qrCameraVideo: [
    async ({}, use, workerInfo) => {
      const dir = path.join(workerInfo.project.outputDir, `fake-camera-${workerInfo.workerIndex}`);
      await use(await qrCodeVideo(dir, CAMERA_ORDER));
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

/** Puts the focus on nothing (the page itself), where a hardware scanner's keys land between fields. */
async function focusNothing(page: Page) {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

/** The chat list, loaded (so the app, and its scanner listener, are running). */
async function gotoChats(page: Page) {
  await page.goto("/chats");
  await expect(page.getByRole("link", { name: /Acme Logistics/ })).toBeVisible();
  await focusNothing(page);
}

/**
 * A keyboard-wedge scanner: the code as a burst of key presses, then Enter. Sent from inside the
 * page, so the burst stays a burst however busy the machine running the tests is (keys sent one
 * by one from the test arrive as far apart as the test runner's load makes them).
 */
async function wedgeScan(page: Page, code: string) {
  await page.evaluate((keys) => {
    const target = document.activeElement ?? document.body;
    for (const key of [...keys, "Enter"]) {
      target.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));
      target.dispatchEvent(new KeyboardEvent("keyup", { key, bubbles: true, cancelable: true }));
    }
  }, code);
}

cameraTest.describe("scanning with the camera", () => {
  cameraTest("a QR code in front of the camera opens that order's chat, with nothing fetched from outside", BROWSER_SIDE, async ({ page }) => {
    const external = recordExternalRequests(page);
    await signInAs(page, "picker");
    await gotoChats(page);
    const isNative = await page.evaluate(() => "BarcodeDetector" in window);
    // Count the streams the page opens, to see them stopped once the screen is left.
    await page.evaluate(() => {
      const streams: MediaStream[] = [];
      (window as unknown as { scanStreams: MediaStream[] }).scanStreams = streams;
      const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = async (constraints) => {
        const stream = await original(constraints);
        streams.push(stream);
        return stream;
      };
    });
    const wasm = isNative ? null : page.waitForResponse((response) => response.url().includes("/wasm/zxing_reader.wasm"));

    // In-app navigation keeps the instrumented window.
    const tapped = Date.now();
    await page.getByRole("link", { name: "Scan", exact: true }).click();
    // Camera start, the reader's first load and the look-up: give a busy machine time.
    await expect(page).toHaveURL(CHAT_URL, { timeout: 20_000 });
    await expect(conversationTitle(page)).toHaveText(new RegExp(`^${CAMERA_ORDER} · `));
    // Printed, never asserted (issue 13's target is 1 s on a phone viewport): a figure for the
    // closing note, measured with everything else the suite runs beside it.
    console.log(`[figure] Scan tab to the scanned record's chat on screen: ${Date.now() - tapped} ms (${isNative ? "native" : "WASM"} reader)`);

    if (wasm) expect((await wasm).status()).toBe(200);
    await expect
      .poll(() =>
        page.evaluate(() => {
          const streams = (window as unknown as { scanStreams: MediaStream[] }).scanStreams;
          return streams.length > 0 && streams.every((stream) => stream.getTracks().every((track) => track.readyState === "ended"));
        }),
      )
      .toBe(true);
    expect(external).toEqual([]);
  });
});

test.describe("hardware scanners (keyboard wedge)", BROWSER_SIDE, () => {
  test("a scanner burst on the chat list opens the order's chat", async ({ page }) => {
    const resolved = recordResolvedCodes(page);
    await signInAs(page, "picker");
    await gotoChats(page);
    await wedgeScan(page, "SO-10012");
    await expect(page).toHaveURL(CHAT_URL);
    await expect(conversationTitle(page)).toHaveText(/^SO-10012 · /);

    // The same label again, with its chat open: nothing to navigate to, and no notice left behind.
    await focusNothing(page);
    const looked = page.waitForResponse((response) => response.url().includes("entity.resolve"));
    await wedgeScan(page, "SO-10012");
    await looked;
    await expect(page.getByRole("status").filter({ hasText: "Scanned SO-10012" })).toHaveCount(0);
    expect(resolved).toEqual(["SO-10012", "SO-10012"]);
  });

  test("typing at a person's pace is not taken for a scan", async ({ page }) => {
    const resolved = recordResolvedCodes(page);
    await signInAs(page, "picker2");
    await gotoChats(page);
    await page.keyboard.type("SO-10013", { delay: 150 });
    await page.keyboard.press("Enter");
    // Keys are handled in order: had the slow code been a scan, it would be looked up before this one.
    await wedgeScan(page, "SO-10014");
    await expect(conversationTitle(page)).toHaveText(/^SO-10014 · /);
    expect(resolved).toEqual(["SO-10014"]);
  });

  test("keys typed into a field stay in the field, however fast", async ({ page }) => {
    const resolved = recordResolvedCodes(page);
    await signInAs(page, "picker2");
    await gotoChats(page);
    const filter = page.getByRole("searchbox").first();
    await filter.focus();
    // Real key presses: only they put characters into a field.
    await page.keyboard.type("SO-10015", { delay: 5 });
    await page.keyboard.press("Enter");
    await expect(filter).toHaveValue("SO-10015");
    await focusNothing(page);
    await wedgeScan(page, "SO-10016");
    await expect(conversationTitle(page)).toHaveText(/^SO-10016 · /);
    expect(resolved).toEqual(["SO-10016"]);
  });

  test("an unknown code scanned on another screen is explained on the Scan screen", async ({ page }) => {
    await signInAs(page, "picker");
    await gotoChats(page);
    await wedgeScan(page, "BIN-404");
    const scan = new ScanPage(page);
    await expect(scan.notFound("BIN-404")).toBeVisible();
    // The code is not left in the address, so Back and reload do not repeat it.
    await expect(page).toHaveURL(/\/scan$/);
  });

  test("a scanner burst on the Scan screen opens the chat from there", async ({ page }) => {
    await denyCamera(page);
    await signInAs(page, "picker");
    const scan = new ScanPage(page);
    await scan.goto();
    await expect(scan.cameraProblem()).toBeVisible();
    await focusNothing(page);
    await wedgeScan(page, "SO-10017");
    await expect(conversationTitle(page)).toHaveText(/^SO-10017 · /);
  });
});

test.describe("the Scan screen", () => {
  test("an unknown code says so and shows the code; a worker may not create the record", async ({ page }) => {
    await denyCamera(page);
    await signInAs(page, "picker");
    const scan = new ScanPage(page);
    await scan.goto();
    await scan.typeCode("SO-99999");
    await expect(scan.notFound("SO-99999")).toBeVisible();
    await expect(page.getByText("Only a manager can add a record for a new code.")).toBeVisible();
    await expect(scan.createRecord()).toHaveCount(0);
    await page.getByRole("button", { name: "Scan again" }).click();
    await expect(scan.notFound("SO-99999")).toHaveCount(0);
  });

  test("a manager creates a record for an unknown code, with its own title, and lands in its chat", async ({ page }) => {
    const code = `SO-${900000 + (Date.now() % 100000)}`;
    await denyCamera(page);
    await signInAs(page, "manager");
    const scan = new ScanPage(page);
    await scan.goto();
    await scan.typeCode(code);
    await expect(scan.notFound(code)).toBeVisible();
    await scan.createRecord().click();
    await expect(page.getByRole("heading", { name: `New record ${code}` })).toBeFocused();
    // The type comes from the key pattern (SO-<number> is an order); the title starts as the code.
    await expect(scan.recordType()).toHaveValue("order");
    await expect(scan.recordTitle()).toHaveValue(code);
    await scan.recordTitle().fill("Rush order for Hansa Office");
    await scan.createAndOpen().click();
    await expect(page).toHaveURL(CHAT_URL);
    await expect(conversationTitle(page)).toHaveText(`${code} · Rush order for Hansa Office`);
  });

  test("with the camera blocked it says how to allow it, and typing the code still works", BROWSER_SIDE, async ({ page }) => {
    await denyCamera(page);
    await signInAs(page, "picker");
    const scan = new ScanPage(page);
    await scan.goto();
    await expect(scan.cameraProblem()).toContainText("Camera access is blocked");
    await expect(scan.cameraProblem()).toContainText("type the code below");
    await scan.typeCode("so-10020");
    await expect(page).toHaveURL(CHAT_URL);
    await expect(conversationTitle(page)).toHaveText(/^SO-10020 · /);
  });

  test("in Polish it speaks Polish, also about an unknown code", BROWSER_SIDE, async ({ page, context, baseURL }) => {
    await denyCamera(page);
    await signInAs(page, "picker");
    await context.addCookies([{ name: "locale", value: "pl", url: baseURL! }]);
    await page.goto("/scan");
    await expect(page.getByRole("heading", { level: 1, name: "Skanuj" })).toBeVisible();
    await expect(page.getByRole("alert").filter({ hasText: "Dostęp do aparatu jest zablokowany" })).toBeVisible();
    await page.getByRole("textbox", { name: "Kod", exact: true }).fill("SO-99998");
    await page.getByRole("button", { name: "Otwórz czat" }).click();
    await expect(page.getByRole("heading", { level: 2, name: "Nic nie znaleziono dla „SO-99998”" })).toBeVisible();
  });
});

test.describe("QR labels", () => {
  test("a worker is told the page is not for them", async ({ page }) => {
    await signInAs(page, "picker");
    await page.goto("/admin/qr");
    await expect(page.getByRole("heading", { level: 1, name: "Not allowed" })).toBeVisible();
    await expect(page.getByRole("listitem").filter({ hasText: "SO-10001" })).toHaveCount(0);
  });

  test("a manager finds the page from Me and prints the first 24 orders, or those whose code matches", async ({ page }) => {
    await signInAs(page, "manager");
    await page.goto("/settings");
    await page.getByRole("link", { name: "Print QR labels" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "QR labels" })).toBeVisible();
    const labels = page.getByRole("list", { name: "QR labels" }).getByRole("listitem");
    await expect(labels).toHaveCount(24);
    await expect(labels.first()).toContainText("SO-10001");
    await expect(labels.last()).toContainText("SO-10024");
    await expect(page.getByRole("button", { name: "Print" })).toBeVisible();

    await page.getByRole("combobox", { name: "Type" }).selectOption("order");
    await page.getByRole("textbox", { name: "Code contains" }).fill("SO-1029");
    await page.getByRole("button", { name: "Show labels" }).click();
    await expect(labels).toHaveCount(10);
    await expect(labels.first()).toContainText("SO-10290");
    await expect(page.getByRole("status").filter({ hasText: "10 labels" })).toBeVisible();
  });

  test("a printed label held up to the camera opens its record's chat", BROWSER_SIDE, async ({ page, playwright, launchOptions }, testInfo) => {
    await signInAs(page, "admin");
    await page.goto("/admin/qr?q=SO-10042");
    const label = page.getByRole("list", { name: "QR labels" }).getByRole("listitem");
    await expect(label).toHaveCount(1);
    await expect(label).toContainText("SO-10042");
    const picture = testInfo.outputPath("label.png");
    await label.locator("svg").screenshot({ path: picture });

    // A second browser whose camera films that label.
    const video = await imageVideo(picture, testInfo.outputPath("camera"));
    const browser = await playwright.chromium.launch({ ...launchOptions, args: [...(launchOptions.args ?? []), ...fakeCameraArgs(video)] });
    try {
      const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL, viewport: { width: 390, height: 844 } });
      const phone = await context.newPage();
      await signInAs(phone, "picker");
      await phone.goto("/scan");
      await expect(phone).toHaveURL(CHAT_URL, { timeout: 20_000 });
      await expect(conversationTitle(phone)).toHaveText(/^SO-10042 · /);
    } finally {
      await browser.close();
    }
  });
});

for (const colorScheme of ["light", "dark"] as const) {
  test.describe(`Scan in ${colorScheme} mode`, () => {
    test.use({ colorScheme });

    test("the Scan screen, camera blocked, with an unknown code and the create form, meets WCAG AA and has 48 px targets", PRESENTATION, async ({ page }, testInfo) => {
      await denyCamera(page);
      await signInAs(page, "manager");
      const scan = new ScanPage(page);
      await scan.goto();
      await expect(scan.cameraProblem()).toBeVisible();
      await scan.typeCode("SO-99997");
      await expect(scan.notFound("SO-99997")).toBeVisible();
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(await smallTargets(page)).toEqual([]);
      expect(await horizontalOverflow(page)).toBe(0);
      await testInfo.attach(`scan-unknown-${colorScheme}-phone`, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

      await scan.createRecord().click();
      await expect(scan.recordTitle()).toBeVisible();
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(await smallTargets(page)).toEqual([]);
      await testInfo.attach(`scan-create-${colorScheme}-phone`, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

      await page.setViewportSize({ width: 820, height: 1180 });
      expect(await smallTargets(page)).toEqual([]);
      expect(await horizontalOverflow(page)).toBe(0);
    });

    test("the QR label sheet meets WCAG AA and has 48 px targets", PRESENTATION, async ({ page }) => {
      await signInAs(page, "manager");
      await page.goto("/admin/qr?type=order&count=6");
      await expect(page.getByRole("list", { name: "QR labels" }).getByRole("listitem")).toHaveCount(6);
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(await smallTargets(page)).toEqual([]);
      expect(await horizontalOverflow(page)).toBe(0);
    });
  });
}

const SIZES = [
  { name: "phone", viewport: { width: 390, height: 844 } },
  { name: "tablet", viewport: { width: 820, height: 1180 } },
] as const;

for (const size of SIZES) {
  test(`the Scan screen's states and the QR sheet render at ${size.name} size (screenshots kept)`, PRESENTATION, async ({ browser, playwright, launchOptions }, testInfo) => {
    // A second browser with a fake camera, then two colour schemes of four screens each: on a
    // loaded two-core machine this takes longer than one ordinary test.
    test.slow();
    // What the person sees (the viewport), except the label sheet, which is meant to be seen whole.
    const shoot = (page: Page, screen: string, fullPage = false) =>
      page.screenshot({ path: testInfo.outputPath(`${screen}-${size.name}.png`), fullPage });

    // The camera running: Chromium's fake camera with its own test pattern (no code in it).
    const cameraBrowser = await playwright.chromium.launch({ ...launchOptions, args: [...(launchOptions.args ?? []), ...fakeCameraArgs()] });
    try {
      const context = await cameraBrowser.newContext({ baseURL: testInfo.project.use.baseURL, viewport: size.viewport, hasTouch: true });
      const page = await context.newPage();
      await signInAs(page, "picker");
      const scan = new ScanPage(page);
      await scan.goto();
      await expect(scan.cameraHint()).toHaveText("Hold the label inside the frame. The record's chat opens by itself.");
      // A second Chromium starting its fake camera while the suite's own browsers run can take
      // well past the default wait on two shared cores; the state, not a time, is what counts.
      await expect
        .poll(() => page.locator("video").evaluate((video: HTMLVideoElement) => video.readyState >= 2 && !video.paused), { timeout: 45_000 })
        .toBe(true);
      await shoot(page, "scan-camera");
    } finally {
      await cameraBrowser.close();
    }

    for (const colorScheme of ["light", "dark"] as const) {
      const context = await browser.newContext({ viewport: size.viewport, hasTouch: true, colorScheme });
      try {
        const page = await context.newPage();
        await denyCamera(page);
        await signInAs(page, "manager");
        const scan = new ScanPage(page);
        await scan.goto();
        await expect(scan.cameraProblem()).toBeVisible();
        await shoot(page, `scan-camera-blocked-${colorScheme}`);
        await scan.typeCode("SO-99996");
        await expect(scan.notFound("SO-99996")).toBeVisible();
        await shoot(page, `scan-unknown-${colorScheme}`);
        await scan.createRecord().click();
        await expect(scan.createAndOpen()).toBeInViewport();
        await shoot(page, `scan-create-${colorScheme}`);

        await page.goto("/admin/qr?type=order&count=24");
        await expect(page.getByRole("list", { name: "QR labels" }).getByRole("listitem")).toHaveCount(24);
        await shoot(page, `qr-labels-${colorScheme}`, true);
        if (colorScheme === "light") {
          await page.emulateMedia({ media: "print" });
          await shoot(page, "qr-labels-print", true);
        }
      } finally {
        await context.close();
      }
    }
  });
}
