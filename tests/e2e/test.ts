import { test as base } from "@playwright/test";

export * from "@playwright/test";

/**
 * Playwright's `test`, plus: browser contexts a test opens itself (a second person, a signed-in
 * persona) are closed when it ends. Playwright closes only the contexts it made; left open, each
 * keeps a live stream and a page reacting to every later test's messages, and a worker that has
 * run fifty tests slows down the server for everyone.
 */
export const test = base.extend<{ closeOwnContexts: void }>({
  closeOwnContexts: [
    async ({ browser }, use) => {
      const before = new Set(browser.contexts());
      await use();
      await Promise.all(browser.contexts().filter((context) => !before.has(context)).map((context) => context.close()));
    },
    { auto: true },
  ],
});
