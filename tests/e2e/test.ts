import { type BrowserContextOptions, test as base } from "@playwright/test";

export * from "@playwright/test";

/**
 * A check of how a screen looks and reads (axe, 48 px targets, fitting a phone, screenshots),
 * not of what the server does: the same on either database, so it runs in the embedded pass
 * only (playwright.config.ts).
 */
export const PRESENTATION = { tag: "@presentation" };

/**
 * A check of what the browser does on its own (keys from a scanner, the camera's picture, the
 * language switch, the headers the page runs under): the database under the server changes
 * nothing in it, so it too runs in the embedded pass only.
 */
export const BROWSER_SIDE = { tag: "@browser-side" };

/**
 * Playwright's `test`, plus:
 * - browser contexts a test opens itself (a second person, a signed-in persona) are closed when
 *   it ends. Playwright closes only the contexts it made; left open, each keeps a live stream and a
 *   page reacting to every later test's messages, and a worker that has run fifty tests slows down
 *   the server for everyone.
 * - those contexts get the same `serviceWorkers` and `reducedMotion` as the test's own (Playwright
 *   applies its options only to the contexts it makes). The config blocks service workers: each
 *   new context would otherwise install the worker and precache the app (about a second of CPU per
 *   context on two cores); the specs about the worker (offline, push, shared devices) allow it.
 */
export const test = base.extend<{ closeOwnContexts: void; contextDefaults: void }>({
  closeOwnContexts: [
    async ({ browser }, use) => {
      const before = new Set(browser.contexts());
      await use();
      await Promise.all(browser.contexts().filter((context) => !before.has(context)).map((context) => context.close()));
    },
    { auto: true },
  ],
  contextDefaults: [
    async ({ browser, serviceWorkers, reducedMotion }, use) => {
      const newContext = browser.newContext.bind(browser);
      browser.newContext = (options?: BrowserContextOptions) => newContext({ serviceWorkers, reducedMotion, ...options });
      await use();
      browser.newContext = newContext;
    },
    { auto: true },
  ],
});
