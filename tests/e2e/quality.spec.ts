import AxeBuilder from "@axe-core/playwright";
import { type Page, expect, test } from "@playwright/test";
import { ChatsPage, SignInPage } from "./pages/sign-in-page";

/** Every visible control must be a 48 px target (PRODUCT.md W7: gloves). */
async function smallTargets(page: Page): Promise<string[]> {
  const controls = page.locator("button:visible, a:visible, input:visible, select:visible, textarea:visible");
  const small: string[] = [];
  for (const control of await controls.all()) {
    const box = await control.boundingBox();
    if (box && (box.height < 48 || box.width < 48)) {
      small.push(`${await control.evaluate((el) => el.outerHTML.slice(0, 80))} is ${box.width}×${box.height}`);
    }
  }
  return small;
}

async function accessibilityViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa"]).analyze();
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

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
