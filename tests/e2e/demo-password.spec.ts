import { PRESENTATION, type Page, expect, test } from "./test";
import { accessibilityViolations, horizontalOverflow, keepScreenshots, smallTargets } from "./pages/checks";
import { signedInPage } from "./pages/host";
import { signInAs } from "./pages/manager-page";

// Other specs may change a demo account's password, so the count is matched, not fixed.
const banner = (page: Page) => page.getByRole("region", { name: /accounts? still uses? the demo password/ });

// Axe and screenshots at two sizes on a CPU shared with other builds.
test.describe.configure({ timeout: 90_000 });

test.describe("demo password warning", () => {
  test("an admin sees which accounts still use the demo password, with a link to change theirs", async ({ page }, testInfo) => {
    await signInAs(page, "admin");
    await expect(banner(page)).toContainText("Anyone who knows it can sign in as admin");
    await expect(banner(page)).toContainText("npm run user:password -- --user NAME");
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(await smallTargets(page)).toEqual([]);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await keepScreenshots(page, testInfo, "demo-password-admin");

    await page.setViewportSize({ width: 390, height: 844 });
    await banner(page).getByRole("link", { name: "Change your password" }).click();
    await expect(page).toHaveURL(/\/settings#password$/);
    await expect(banner(page)).toBeVisible();
  });

  test("it stays out of an open conversation, which needs the whole height for the composer", async ({ page }) => {
    await signInAs(page, "admin");
    await expect(banner(page)).toBeVisible();
    await page.getByRole("link", { name: /Acme Logistics/ }).first().click();
    await expect(page).toHaveURL(/\/chats\/[^/]+$/);
    await expect(page.getByRole("textbox", { name: "Message" })).toBeVisible();
    await expect(banner(page)).toHaveCount(0);
  });

  test("fits a 390 px phone in Polish and dark mode, accessibly", PRESENTATION, async ({ browser, baseURL }, testInfo) => {
    const page = await signedInPage(browser, baseURL!, "admin", { colorScheme: "dark", locale: "pl" });
    await page.goto("/people");
    const region = page.getByRole("region", { name: /wciąż (ma|mają) hasło demonstracyjne/ });
    await expect(region).toContainText("Każdy, kto je zna, może się zalogować jako admin");
    await expect(region.getByRole("link", { name: "Zmień swoje hasło" })).toHaveAttribute("href", "/settings#password");
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await keepScreenshots(page, testInfo, "demo-password-admin-pl-dark");
  });

  for (const username of ["picker", "manager"]) {
    test(`a ${username === "picker" ? "worker" : "manager"} never sees it`, async ({ page }) => {
      await signInAs(page, username);
      await expect(page.getByRole("heading", { name: "Chats", level: 1 })).toBeVisible();
      await expect(banner(page)).toHaveCount(0);
      await page.goto("/settings");
      await expect(page.getByRole("heading", { name: "Me", level: 1 })).toBeVisible();
      await expect(banner(page)).toHaveCount(0);
    });
  }
});
