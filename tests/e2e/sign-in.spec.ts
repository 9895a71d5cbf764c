import { BROWSER_SIDE, expect, test } from "./test";
import { ChatsPage, SignInPage } from "./pages/sign-in-page";

test.describe("sign-in on a phone", () => {
  test("a picker signs in and lands on the chats screen", async ({ page }) => {
    const signIn = new SignInPage(page);
    const chats = new ChatsPage(page);
    await signIn.goto();
    await signIn.signIn("picker");
    await chats.expectLoaded();
    await expect(page.getByRole("link", { name: /Acme Logistics/ })).toBeVisible();
  });

  test("a wrong password shows an error and keeps the user on sign-in", async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signIn("picker", "not-the-password");
    await expect(signIn.error()).toHaveText("Wrong user name or password. Check both and try again.");
    await expect(page).toHaveURL(/\/sign-in$/);
  });

  test("an unknown user name gets the same error as a wrong password", async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signIn("nosuchuser", "not-the-password");
    await expect(signIn.error()).toHaveText("Wrong user name or password. Check both and try again.");
  });

  test("a user name guessed at is made to wait, and the form says for how long", async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    // The per-name wait doubles after 5 attempts (1 s, 2 s, 4 s…): within a few more tries it
    // outlasts the time one try takes, whatever the machine's speed.
    const name = `guess${Date.now() % 1_000_000}`;
    let refused = false;
    for (let attempt = 0; attempt < 15 && !refused; attempt++) {
      const answered = page.waitForResponse((response) => response.url().endsWith("/api/auth/sign-in/username"));
      await signIn.signIn(name, "not-the-password");
      refused = (await answered).status() === 429;
    }
    expect(refused).toBe(true);
    await expect(signIn.error()).toHaveText(/^Too many attempts\. Try again in \d+ (second|seconds|minute|minutes)\.$/);
  });

  test("signing out returns to sign-in and the session is gone", async ({ page }) => {
    const signIn = new SignInPage(page);
    const chats = new ChatsPage(page);
    await signIn.goto();
    await signIn.signIn("manager");
    await chats.expectLoaded();
    await chats.signOut();
    await expect(page).toHaveURL(/\/sign-in$/);
    await page.goto("/chats");
    await expect(page).toHaveURL(/\/sign-in$/);
  });

  test("Sign out works even when tapped before the page's script has run", async ({ page, browser }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signIn("picker");
    await new ChatsPage(page).expectLoaded();
    const noScript = await browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState() });
    try {
      const tablet = await noScript.newPage();
      await tablet.goto("/settings");
      await tablet.getByRole("button", { name: "Sign out", exact: true }).click();
      await expect(tablet).toHaveURL(/\/sign-in$/);
      await tablet.goto("/chats");
      await expect(tablet).toHaveURL(/\/sign-in$/);
    } finally {
      await noScript.close();
    }
  });

  test("app pages redirect to sign-in without a session", async ({ page }) => {
    for (const path of ["/", "/chats"]) {
      await page.goto(path);
      await expect(page).toHaveURL(/\/sign-in$/);
    }
  });

  test("a signed-in user who opens sign-in goes straight to the chats", async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signIn("driver");
    await new ChatsPage(page).expectLoaded();
    await page.goto("/sign-in");
    await new ChatsPage(page).expectLoaded();
  });

  test("the language switch shows the sign-in page in Polish", BROWSER_SIDE, async ({ page }) => {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await page.getByRole("button", { name: "Polski" }).click();
    await expect(page.getByRole("heading", { name: "Zaloguj się" })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "pl");
    await page.getByLabel("Nazwa użytkownika").fill("picker");
    await page.getByLabel("Hasło").fill("wrong-password");
    await page.getByRole("button", { name: "Zaloguj się" }).click();
    await expect(signIn.error()).toContainText("Nieprawidłowa nazwa użytkownika lub hasło");
  });
});
