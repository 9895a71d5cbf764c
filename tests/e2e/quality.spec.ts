import { PRESENTATION, expect, test } from "./test";
import { accessibilityViolations, smallTargets } from "./pages/checks";
import { ChatsPage, SignInPage } from "./pages/sign-in-page";

for (const scheme of ["light", "dark"] as const) {
  test.describe(`${scheme} mode`, () => {
    test.use({ colorScheme: scheme });

    test("the sign-in page meets WCAG AA and has 48 px targets, also with an error shown", PRESENTATION, async ({ page }) => {
      const signIn = new SignInPage(page);
      await signIn.goto();
      await signIn.signIn("picker", "wrong-password");
      await expect(signIn.error()).toBeVisible();
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(await smallTargets(page)).toEqual([]);
    });

    test("the chats screen meets WCAG AA and has 48 px targets", PRESENTATION, async ({ page }) => {
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

test("the sign-in page fits a 360 px wide phone without horizontal scrolling", PRESENTATION, async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 640 });
  await new SignInPage(page).goto();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBe(0);
});

test("the 48 px check names a small visible control, counts a label as its checkbox's target and skips hidden ones", PRESENTATION, async ({ page }) => {
  await page.setContent(`
    <button style="width:40px;height:40px">small</button>
    <button style="width:60px;height:60px">big</button>
    <label style="display:block;width:200px;height:48px"><input type="checkbox"> whole label</label>
    <button style="width:10px;height:10px;visibility:hidden">hidden</button>
    <button style="display:none">gone</button>
    <div id="host"></div>
    <script>document.getElementById("host").attachShadow({ mode: "open" }).innerHTML = '<button style="width:20px;height:20px">shadow</button>';</script>
  `);
  const small = await smallTargets(page);
  expect(small).toHaveLength(2);
  expect(small[0]).toMatch(/^<button[^>]*>small<\/button> is 40×40$/);
  expect(small[1]).toMatch(/>shadow<\/button> is 20×20$/);
});
