import AxeBuilder from "@axe-core/playwright";
import type { APIRequestContext, BrowserContext, Page, TestInfo } from "@playwright/test";

/**
 * Every visible control must be a 48 px target (PRODUCT.md W7: gloves). Measured in the page in one
 * call: asking the browser per control took four round trips each, minutes on a busy machine for
 * the admin screens. "Visible" is Playwright's `:visible` (a non-empty box, not visibility:hidden),
 * and open shadow roots (the emoji picker) are searched as Playwright's locators search them.
 */
export async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const controls: Element[] = [];
    const collect = (root: Document | ShadowRoot) => {
      controls.push(...root.querySelectorAll("button, a, input, select, textarea"));
      for (const host of root.querySelectorAll("*")) if (host.shadowRoot) collect(host.shadowRoot);
    };
    collect(document);
    const small: string[] = [];
    for (const control of controls) {
      const own = control.getBoundingClientRect();
      if (own.width === 0 || own.height === 0 || getComputedStyle(control).visibility !== "visible") continue;
      // A checkbox or radio inside its label is hit anywhere on the label: that is its target.
      const box = (control.closest("label") ?? control).getBoundingClientRect();
      if (box.height < 48 || box.width < 48) small.push(`${control.outerHTML.slice(0, 80)} is ${box.width}×${box.height}`);
    }
    return small;
  });
}

/** WCAG 2.1 A/AA violations of any impact (stricter than "no serious or critical"). */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa"]).analyze();
  return results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Full-page screenshots at the phone's size and at tablet size (820×1180), kept with the test's results. */
export async function keepScreenshots(page: Page, testInfo: TestInfo, name: string) {
  const phone = page.viewportSize();
  for (const [device, size] of [["phone", phone], ["tablet", { width: 820, height: 1180 }]] as const) {
    if (size) await page.setViewportSize(size);
    const path = testInfo.outputPath(`${name}-${device}.png`);
    await page.screenshot({ path, fullPage: true, animations: "disabled" });
    await testInfo.attach(`${name}-${device}`, { path, contentType: "image/png" });
  }
  if (phone) await page.setViewportSize(phone);
}

/**
 * Waits until the service worker is active and controls the page (it claims open pages): only
 * then has it precached the app's scripts, so the page keeps working when the network goes.
 */
export async function controlledByServiceWorker(page: Page) {
  await page.waitForFunction(() => navigator.serviceWorker?.controller?.state === "activated", undefined, { timeout: 30_000 });
}

/** lib/pwa/device-owner.ts's key: whose data this browser keeps. */
const DEVICE_OWNER_KEY = "floorchat-device-owner";

/**
 * Marks a fresh context's browser as `userId`'s own, as signing in through the form does
 * (components/sign-in-form.tsx). A context handed a session some other way (an API sign-in, a
 * reused cookie) is otherwise an unknown device: its first page shows the app, then the
 * DeviceOwnerGate unmounts it to forget whatever an unknown keeper left and mounts it again,
 * and anything typed in between is lost. Only an unset owner is written, so a test in which the
 * device later changes hands still goes through the gate.
 */
export async function ownDevice(context: BrowserContext, userId: string) {
  await context.addInitScript(
    ([key, id]) => {
      try {
        if (localStorage.getItem(key) === null) localStorage.setItem(key, id);
      } catch {
        // about:blank and opaque origins have no storage; the app's own pages do.
      }
    },
    [DEVICE_OWNER_KEY, userId] as const,
  );
}

/** The id of the person signed in on this context (user.me through its cookies). */
export async function signedInUserId(request: APIRequestContext): Promise<string> {
  const response = await request.get("/api/trpc/user.me");
  const me = (await response.json()) as { result: { data: { json: { id: string } } } };
  return me.result.data.json.id;
}
