import { PRESENTATION, expect, test } from "./test";
import { MePage } from "./pages/me-page";
import { PeoplePage, accessibilityViolations, horizontalOverflow, otherDevice, signInAs, smallTargets } from "./pages/people-page";

test.describe("People on a phone", () => {
  test("a person's card shows role, groups and status, and its Message button opens a direct chat with them", async ({ page }) => {
    await signInAs(page, "picker");
    const people = new PeoplePage(page);
    await people.goto();
    await people.openCard("Paula Picker");
    await expect(people.card()).toContainText("Worker");
    await expect(people.card().getByRole("listitem")).toHaveText(["Acme Logistics", "Warehouse A"]);
    await expect(people.card().getByRole("heading", { name: "Status" })).toBeVisible();
    await people.message().click();
    await expect(page).toHaveURL(/\/chats\/[0-9a-f-]{36}$/);
  });

  test("the card closes with its Close button and with Escape", async ({ page }) => {
    await signInAs(page, "picker");
    const people = new PeoplePage(page);
    await people.goto();
    await people.openCard("Dawid Driver");
    await people.close().click();
    await expect(people.card()).toBeHidden();
    await people.openCard("Dawid Driver");
    await page.keyboard.press("Escape");
    await expect(people.card()).toBeHidden();
    await expect(people.row("Dawid Driver")).toBeFocused();
  });

  test("my own card offers to set my status instead of messaging myself", async ({ page }) => {
    await signInAs(page, "driver");
    const people = new PeoplePage(page);
    await people.goto();
    await expect(people.row("Dawid Driver")).toContainText("You");
    await people.openCard("Dawid Driver");
    await expect(people.message()).toHaveCount(0);
    await people.card().getByRole("link", { name: "Set my status" }).click();
    await expect(page).toHaveURL(/\/settings$/);
  });

  test("people who are online are listed before people who are offline, in either sort", async ({ page, browser }) => {
    const manager = await otherDevice(browser, "manager");
    await signInAs(page, "picker");
    const people = new PeoplePage(page);
    await people.goto();
    await expect(people.row("Marta Manager")).toHaveAttribute("data-online", "true");
    for (const sort of ["Name", "Recent activity"] as const) {
      await people.sortBy(sort).click();
      await expect(people.sortBy(sort)).toHaveAttribute("aria-pressed", "true");
      const flags = await people.onlineFlags();
      expect(flags).toEqual([...flags].sort((a, b) => Number(b) - Number(a)));
    }
    await manager.context.close();
  });

  test("a person who signs out turns offline in the list without a reload", async ({ page, browser }) => {
    const manager = await otherDevice(browser, "manager2");
    await signInAs(page, "picker2");
    const people = new PeoplePage(page);
    await people.goto();
    await expect(people.row("Tomasz Nowak")).toContainText(/Online|Busy|Away|Unavailable/);
    await manager.context.close();
    await expect(people.row("Tomasz Nowak")).toContainText("Offline");
  });

  test("the search narrows the list, and a search with no match says so and can be cleared", async ({ page }) => {
    await signInAs(page, "picker");
    const people = new PeoplePage(page);
    await people.goto();
    await people.search().fill("paula");
    await expect(people.rows()).toHaveCount(1);
    await expect(people.rows()).toContainText("Paula Picker");
    await people.search().fill("nobody-like-this");
    await expect(people.emptyState()).toHaveText("No one matches “nobody-like-this”");
    await page.getByRole("button", { name: "Clear search" }).last().click();
    await expect(people.search()).toHaveValue("");
    await expect(people.rows()).not.toHaveCount(1);
    await expect(people.row("Paula Picker")).toBeVisible();
  });

  test("a failed load shows an error with a retry that loads the list", async ({ browser }) => {
    // The failure is staged with page.route, which only sees what the page itself fetches: a
    // service worker's fetches would go around it.
    const context = await browser.newContext({ serviceWorkers: "block", viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signInAs(page, "picker");
    let failing = true;
    // Also when batched with other queries (/api/trpc/chat.list,people.list?batch=1).
    await page.route(/\/api\/trpc\/[^?]*people\.list/, (route) =>
      failing ? route.fulfill({ status: 503, contentType: "application/json", body: "{}" }) : route.fallback(),
    );
    await page.goto("/people");
    const alert = page.getByRole("alert").filter({ hasText: "Could not load the people" });
    await expect(alert).toBeVisible({ timeout: 20_000 });
    failing = false;
    await alert.getByRole("button", { name: "Try again" }).click();
    await expect(new PeoplePage(page).row("Paula Picker")).toBeVisible();
    await context.close();
  });

  test("setting a status in Me shows it to others in People, live", async ({ page, browser }) => {
    await signInAs(page, "driver");
    const people = new PeoplePage(page);
    await people.goto();

    const other = await otherDevice(browser, "manager2");
    const me = new MePage(other.page);
    await me.goto();
    await expect(people.row("Tomasz Nowak")).toHaveAttribute("data-online", "true");

    await me.setStatus("Busy", "At dock 3 until 14:00");
    await expect(people.row("Tomasz Nowak")).toContainText("Busy");
    await expect(people.row("Tomasz Nowak")).toContainText("At dock 3 until 14:00");
    await people.openCard("Tomasz Nowak");
    await expect(people.card()).toContainText("At dock 3 until 14:00");
    await people.close().click();

    // Invisible looks offline to others, with no status text (PRODUCT.md P2).
    await me.setStatus("Invisible", "Hidden text");
    await expect(people.row("Tomasz Nowak")).toContainText("Offline");
    await expect(people.row("Tomasz Nowak")).not.toContainText("Hidden text");

    await me.setStatus("Available");
    await expect(people.row("Tomasz Nowak")).toContainText("Online");
    await other.context.close();
  });
});

for (const colorScheme of ["light", "dark"] as const) {
  test.describe(`People in ${colorScheme} mode`, () => {
    test.use({ colorScheme });

    test("the list and the no-match state meet WCAG AA and have 48 px targets, on a phone and a tablet", PRESENTATION, async ({ page }, testInfo) => {
      await signInAs(page, "picker");
      const people = new PeoplePage(page);
      await people.goto();
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(await smallTargets(page)).toEqual([]);
      await testInfo.attach(`people-${colorScheme}-phone`, { body: await page.screenshot(), contentType: "image/png" });

      await people.search().fill("nobody-like-this");
      await expect(people.emptyState()).toBeVisible();
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(await smallTargets(page)).toEqual([]);

      await page.setViewportSize({ width: 820, height: 1180 });
      await people.search().fill("");
      await expect(people.row("Paula Picker")).toBeVisible();
      expect(await smallTargets(page)).toEqual([]);
      await testInfo.attach(`people-${colorScheme}-tablet`, { body: await page.screenshot(), contentType: "image/png" });
    });

    test("the user card meets WCAG AA and has 48 px targets", PRESENTATION, async ({ page }, testInfo) => {
      await signInAs(page, "picker");
      const people = new PeoplePage(page);
      await people.goto();
      await people.openCard("Paula Picker");
      await expect(people.card().getByRole("listitem").first()).toBeVisible();
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(await smallTargets(page)).toEqual([]);
      await testInfo.attach(`people-card-${colorScheme}-phone`, { body: await page.screenshot(), contentType: "image/png" });
    });
  });
}

test("People in Polish fits a 360 px wide phone without horizontal scrolling", PRESENTATION, async ({ page, context, baseURL }) => {
  await page.setViewportSize({ width: 360, height: 640 });
  await signInAs(page, "picker");
  await context.addCookies([{ name: "locale", value: "pl", url: baseURL! }]);
  await page.goto("/people");
  await expect(page.getByRole("heading", { name: "Osoby", level: 1 })).toBeVisible();
  await expect(page.getByTestId("person-row").first()).toBeVisible();
  expect(await horizontalOverflow(page)).toBe(0);
  expect(await smallTargets(page)).toEqual([]);
});
