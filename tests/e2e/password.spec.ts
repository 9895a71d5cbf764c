import { randomBytes } from "node:crypto";
import { expect, test } from "./test";
import { signedInPage, trpcMutation } from "./pages/host";
import { MePage } from "./pages/me-page";
import { horizontalOverflow, smallTargets } from "./pages/people-page";
import { SignInPage } from "./pages/sign-in-page";

test.describe("My password", () => {
  test("a worker changes their password on the Me screen and signs in with the new one", async ({ page, browser, baseURL }, testInfo) => {
    // A person of this test's own: the demo personas' passwords are every other test's sign-in.
    const admin = await signedInPage(browser, baseURL!, "admin");
    const username = `pw${randomBytes(3).toString("hex")}`;
    const firstPassword = "first pallet password";
    const newPassword = "second pallet password";
    await trpcMutation(admin.request, "user.create", { username, name: "Patryk Password", password: firstPassword, role: "worker" });

    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signIn(username, firstPassword);
    await expect(page).toHaveURL(/\/chats$/);
    const me = new MePage(page);
    await me.goto();
    const section = page.getByRole("region", { name: "Password" });
    const current = section.getByLabel("Current password");
    const fresh = section.getByLabel("New password");
    const change = section.getByRole("button", { name: "Change password" });

    await current.fill("not my password");
    await fresh.fill(newPassword);
    await change.click();
    await expect(section.getByRole("alert")).toHaveText("The current password is wrong. Check it and try again.");
    await expect(current).toHaveAttribute("aria-invalid", "true");

    await current.fill(firstPassword);
    await fresh.fill("short");
    await change.click();
    await expect(section.getByRole("alert")).toHaveText("The new password is too short: use at least 8 characters.");

    await fresh.fill(newPassword);
    await change.click();
    await expect(section.getByRole("status")).toHaveText("Password changed. You are signed out everywhere else.");
    await expect(section.getByRole("alert")).toBeHidden();
    await expect(current).toHaveValue("");

    for (const [device, size] of [["phone", { width: 390, height: 844 }], ["tablet", { width: 820, height: 1180 }]] as const) {
      await page.setViewportSize(size);
      expect(await smallTargets(page)).toEqual([]);
      const path = testInfo.outputPath(`password-en-${device}.png`);
      await section.screenshot({ path, animations: "disabled" });
      await testInfo.attach(`password-en-${device}`, { path, contentType: "image/png" });
    }
    await page.getByRole("group", { name: "Language" }).getByRole("button", { name: "Polski" }).click();
    const polish = page.getByRole("region", { name: "Hasło" });
    await polish.getByLabel("Obecne hasło").fill("x");
    await polish.getByLabel("Nowe hasło").fill("x");
    await polish.getByRole("button", { name: "Zmień hasło" }).click();
    await expect(polish.getByRole("alert")).toHaveText("Nowe hasło jest za krótkie: użyj co najmniej 8 znaków.");
    for (const [device, size] of [["phone", { width: 390, height: 844 }], ["tablet", { width: 820, height: 1180 }]] as const) {
      await page.setViewportSize(size);
      expect(await horizontalOverflow(page)).toBe(0);
      expect(await smallTargets(page)).toEqual([]);
      const path = testInfo.outputPath(`password-pl-${device}.png`);
      await polish.screenshot({ path, animations: "disabled" });
      await testInfo.attach(`password-pl-${device}`, { path, contentType: "image/png" });
    }
    await page.getByRole("group", { name: "Język" }).getByRole("button", { name: "English" }).click();

    await me.signOut().click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await signIn.signIn(username, firstPassword);
    await expect(signIn.error()).toHaveText("Wrong user name or password. Check both and try again.");
    await signIn.signIn(username, newPassword);
    await expect(page).toHaveURL(/\/chats$/);
  });
});
