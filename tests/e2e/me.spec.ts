import { PRESENTATION, expect, test } from "./test";
import { MePage } from "./pages/me-page";
import { accessibilityViolations, horizontalOverflow, signInAs, smallTargets } from "./pages/people-page";

test.describe("Me on a phone", () => {
  test("shows who is signed in, with name and role", async ({ page }) => {
    await signInAs(page, "picker");
    const me = new MePage(page);
    await me.goto();
    await expect(me.profile()).toContainText("Piotr Picker");
    await expect(me.profile()).toContainText("Worker");
  });

  test("a saved status is confirmed and is still there after a reload", async ({ page }) => {
    await signInAs(page, "picker2");
    const me = new MePage(page);
    await me.goto();
    await expect(me.status("Available")).toBeChecked();
    await me.setStatus("Away", "Back at 10");
    await page.reload();
    await expect(me.status("Away")).toBeChecked();
    await expect(me.statusText()).toHaveValue("Back at 10");
    await me.setStatus("Available");
  });

  test("invisible and unavailable each explain themselves in one line", async ({ page }) => {
    await signInAs(page, "picker");
    const me = new MePage(page);
    await me.goto();
    await expect(me.status("Invisible")).toHaveAccessibleDescription("You look offline to others, but you can still chat.");
    await expect(me.status("Unavailable")).toHaveAccessibleDescription("No notifications; people can still leave you messages.");
  });

  test("the status text stops at 100 characters and its counter says so", async ({ page }) => {
    await signInAs(page, "picker");
    const me = new MePage(page);
    await me.goto();
    await me.statusText().fill("x".repeat(120));
    await expect(me.statusText()).toHaveValue("x".repeat(100));
    await expect(me.statusText()).toHaveAccessibleDescription("100/100");
  });

  test("the new-message sound is on by default, and switching it off survives a reload", async ({ page }) => {
    await signInAs(page, "picker");
    const me = new MePage(page);
    await me.goto();
    await expect(me.sound()).toHaveAttribute("aria-checked", "true");
    await me.sound().click();
    await expect(me.sound()).toHaveAttribute("aria-checked", "false");
    expect(await page.evaluate(() => localStorage.getItem("floorchat.sound"))).toBe("off");
    await page.reload();
    await expect(me.sound()).toHaveAttribute("aria-checked", "false");
  });

  test("switching to Polski translates the Me screen", async ({ page }) => {
    await signInAs(page, "picker");
    const me = new MePage(page);
    await me.goto();
    await page.getByRole("group", { name: "Language" }).getByRole("button", { name: "Polski" }).click();
    await expect(page.getByRole("heading", { name: "Ja", level: 1 })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "pl");
    await expect(page.getByRole("radio", { name: "Zajęty" })).toBeVisible();
    await expect(page.getByRole("switch", { name: "Dźwięk nowych wiadomości" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Wyloguj się" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Osoby" })).toBeVisible();
  });

  test("signing out from Me returns to sign-in and the session is gone", async ({ page }) => {
    await signInAs(page, "picker", { fresh: true });
    const me = new MePage(page);
    await me.goto();
    await me.signOut().click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await page.goto("/settings");
    await expect(page).toHaveURL(/\/sign-in$/);
  });

  test("a worker has no quick replies to manage", async ({ page }) => {
    await signInAs(page, "picker");
    const me = new MePage(page);
    await me.goto();
    await expect(me.sound()).toBeVisible();
    await expect(me.quickRepliesHeading()).toHaveCount(0);
  });

  test("a manager adds, edits and deletes their own quick reply, and sees shared ones read-only", async ({ page }) => {
    await signInAs(page, "manager");
    const me = new MePage(page);
    await me.goto();
    await expect(me.sharedReplies().getByRole("listitem").first()).toBeVisible();
    await expect(me.sharedReplies().getByRole("button")).toHaveCount(0);

    await me.newReply().fill("On my way");
    await me.addReply().click();
    const added = me.myReplies().getByRole("listitem").filter({ hasText: "On my way" });
    await expect(added).toBeVisible();
    await expect(me.newReply()).toHaveValue("");

    await added.getByRole("button", { name: "Edit" }).click();
    await page.getByRole("textbox", { name: "Edit quick reply" }).fill("On my way, 5 min");
    await me.myReplies().getByRole("button", { name: "Save" }).click();
    const edited = me.myReplies().getByRole("listitem").filter({ hasText: "On my way, 5 min" });
    await expect(edited).toBeVisible();
    await page.reload();
    await expect(edited).toBeVisible();

    await edited.getByRole("button", { name: "Delete" }).click();
    await edited.getByRole("button", { name: "Yes, delete" }).click();
    await expect(me.myReplies()).toHaveCount(0);
    await expect(page.getByText("You have none yet. Add one below.")).toBeVisible();
  });

  test("an admin may change the shared quick replies", async ({ page }) => {
    await signInAs(page, "admin");
    const me = new MePage(page);
    await me.goto();
    const first = me.sharedReplies().getByRole("listitem").first();
    await expect(first.getByRole("button", { name: "Edit" })).toBeVisible();
    await expect(first.getByRole("button", { name: "Delete" })).toBeVisible();
    await expect(page.getByRole("checkbox", { name: "Share with all managers" })).toBeVisible();
  });
});

test.describe("Notifications on this device", () => {
  test("lists a device subscribed for the person and removes it for good", async ({ page }) => {
    await signInAs(page, "driver");
    const me = new MePage(page);
    await me.goto();
    await expect(me.pushHeading()).toBeVisible();
    await me.subscribeDevice("Firefox · Windows");
    await page.reload();
    const device = me.device("Firefox · Windows");
    await expect(device).toContainText("No notification yet");
    await device.getByRole("button", { name: "Remove Firefox · Windows" }).click();
    await expect(device).toHaveCount(0);
    await page.reload();
    await expect(me.pushHeading()).toBeVisible();
    await expect(me.device("Firefox · Windows")).toHaveCount(0);
  });

  test("leaving message text out of notifications is kept after a reload", async ({ page }) => {
    await signInAs(page, "driver");
    const me = new MePage(page);
    await me.goto();
    await expect(me.showText()).toHaveAttribute("aria-checked", "true");
    // The switch flips at once (optimistic); reload only once the server has the choice, as a
    // reload mid-request may cancel it.
    await me.toggleShowText();
    await expect(me.showText()).toHaveAttribute("aria-checked", "false");
    await page.reload();
    await expect(me.showText()).toHaveAttribute("aria-checked", "false");
    await me.showText().click();
    await expect(me.showText()).toHaveAttribute("aria-checked", "true");
  });
});

for (const colorScheme of ["light", "dark"] as const) {
  test.describe(`Me in ${colorScheme} mode`, () => {
    test.use({ colorScheme });

    test("a manager's Me screen meets WCAG AA and has 48 px targets, with a status just saved", PRESENTATION, async ({ page }, testInfo) => {
      await signInAs(page, "manager");
      const me = new MePage(page);
      await me.goto();
      await expect(me.sharedReplies().getByRole("listitem").first()).toBeVisible();
      await me.statusText().fill("On the floor");
      await me.saveStatus().click();
      await expect(me.saved()).toBeVisible();
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(await smallTargets(page)).toEqual([]);
      await testInfo.attach(`me-${colorScheme}-phone`, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

      await page.setViewportSize({ width: 820, height: 1180 });
      expect(await smallTargets(page)).toEqual([]);
      await testInfo.attach(`me-${colorScheme}-tablet`, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
    });

    test("the notifications section with a device listed meets WCAG AA and has 48 px targets", PRESENTATION, async ({ page }, testInfo) => {
      await signInAs(page, "picker2");
      const me = new MePage(page);
      await me.goto();
      await me.subscribeDevice(`Chrome · Android (${colorScheme})`);
      await page.reload();
      await expect(me.device(`Chrome · Android (${colorScheme})`)).toBeVisible();
      await expect(me.showText()).toBeEnabled();
      await me.pushHeading().scrollIntoViewIfNeeded();
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(await smallTargets(page)).toEqual([]);
      await testInfo.attach(`me-push-${colorScheme}-phone`, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

      await page.setViewportSize({ width: 820, height: 1180 });
      expect(await smallTargets(page)).toEqual([]);
      await testInfo.attach(`me-push-${colorScheme}-tablet`, { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
      await me.device(`Chrome · Android (${colorScheme})`).getByRole("button", { name: /^Remove/ }).click();
      await expect(me.device(`Chrome · Android (${colorScheme})`)).toHaveCount(0);
    });

    test("editing and deleting a quick reply meet WCAG AA and have 48 px targets", PRESENTATION, async ({ page }) => {
      await signInAs(page, "manager");
      const me = new MePage(page);
      await me.goto();
      await me.newReply().fill(`Check dock ${colorScheme}`);
      await me.addReply().click();
      const added = me.myReplies().getByRole("listitem").filter({ hasText: `Check dock ${colorScheme}` });
      await added.getByRole("button", { name: "Edit" }).click();
      await expect(page.getByRole("textbox", { name: "Edit quick reply" })).toBeFocused();
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(await smallTargets(page)).toEqual([]);
      await page.getByRole("button", { name: "Cancel" }).click();
      await expect(added.getByRole("button", { name: "Edit" })).toBeFocused();

      await added.getByRole("button", { name: "Delete" }).click();
      await expect(added.getByRole("button", { name: "Yes, delete" })).toBeFocused();
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(await smallTargets(page)).toEqual([]);
      await added.getByRole("button", { name: "Yes, delete" }).click();
      await expect(added).toHaveCount(0);
    });
  });
}

test("Me in Polish fits a 360 px wide phone without horizontal scrolling", PRESENTATION, async ({ page, context, baseURL }) => {
  await page.setViewportSize({ width: 360, height: 640 });
  await signInAs(page, "admin");
  await context.addCookies([{ name: "locale", value: "pl", url: baseURL! }]);
  await page.goto("/settings");
  await expect(page.getByRole("heading", { name: "Ja", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Szybkie odpowiedzi", exact: true })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Moje urządzenia" })).toBeVisible();
  expect(await horizontalOverflow(page)).toBe(0);
  expect(await smallTargets(page)).toEqual([]);
});
