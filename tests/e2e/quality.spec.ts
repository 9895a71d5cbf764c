import { expect, test } from "./test";
import { accessibilityViolations, smallTargets } from "./pages/checks";
import { ChatsPage, SignInPage } from "./pages/sign-in-page";

for (const scheme of ["light", "dark"] as const) {
  test.describe(`${scheme} mode`, () => {
    test.use({ colorScheme: scheme });

    test("the sign-in page meets WCAG AA and has 48 px targets, also with an error shown", async ({ page }) => {
      const signIn = new SignInPage(page);
      await signIn.goto();
      await signIn.signIn("picker", "wrong-password");
      await expect(signIn.error()).toBeVisible();
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(await smallTargets(page)).toEqual([]);
    });

    test("the chats screen meets WCAG AA and has 48 px targets", async ({ page }) => {
      const signIn = new SignInPage(page);
      await signIn.goto();
      await signIn.signIn("picker2");
      const chats = new ChatsPage(page);
      await chats.expectLoaded();
      await expect(page.getByRole("link", { name: /Acme Logistics/ })).toBeVisible();
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(await smallTargets(page)).toEqual([]);
    });
  });
}

test("the sign-in page fits a 360 px wide phone without horizontal scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 640 });
  await new SignInPage(page).goto();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBe(0);
});
