import { PRESENTATION, expect, test } from "./test";
import { DEMO_PASSWORD } from "./pages/sign-in-page";

/**
 * Every screen at a phone and a tablet size, kept as test artifacts
 * (test-results/e2e/<test>/<screen>-<size>.png) for people to look at.
 */
const SIZES = [
  { name: "phone", viewport: { width: 390, height: 844 } },
  { name: "tablet", viewport: { width: 820, height: 1180 } },
] as const;

for (const size of SIZES) {
  test(`every screen renders at ${size.name} size (screenshots kept)`, PRESENTATION, async ({ browser }) => {
    // A dozen screens, each loaded and photographed: on two shared cores this passes a minute.
    test.slow();
    const context = await browser.newContext({ viewport: size.viewport, hasTouch: true });
    const page = await context.newPage();
    const shoot = (screen: string) => page.screenshot({ path: test.info().outputPath(`${screen}-${size.name}.png`) });

    await page.goto("/sign-in");
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await shoot("sign-in");
    await page.getByLabel("User name").fill("manager");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Chats", level: 1 })).toBeVisible();
    await expect(page.getByRole("link", { name: /Acme Logistics/ })).toBeVisible();
    await shoot("chats");

    await page.getByRole("link", { name: /Acme Logistics/ }).click();
    await expect(page.getByRole("textbox", { name: "Message" })).toBeVisible();
    await shoot("conversation");
    await page.getByRole("button", { name: "Details" }).click();
    await expect(page.getByRole("dialog", { name: "Chat details" }).getByText("@picker", { exact: true })).toBeVisible();
    await shoot("chat-details");
    await page.keyboard.press("Escape");

    // Each screen is captured once its content, not its loading placeholder, is in.
    for (const [screen, path, heading, ready] of [
      ["people", "/people", "People", page.getByText("Ada Admin")],
      ["me", "/settings", "Me", page.getByRole("heading", { name: "Status" })],
      ["manager", "/manager", "Waiting for a reply", page.getByRole("heading", { level: 1, name: "Waiting for a reply" })],
      ["scan", "/scan", "Scan", page.getByLabel("Code", { exact: true })],
      ["qr-labels", "/admin/qr", "QR labels", page.getByRole("list", { name: "QR labels" })],
    ] as const) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
      await expect(ready.first()).toBeVisible();
      await shoot(screen);
    }
    await context.close();
  });
}
