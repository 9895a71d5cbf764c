import { DEMO_PASSWORD } from "./pages/sign-in-page";
import { ChatListPage, ConversationPage } from "./pages/conversation-page";
import { expect, test } from "./test";

// Far from the server's UTC: 23:30 UTC is already the next day here, so a time or a day divider
// drawn in the server's zone would show.
const TIME_ZONE = "Pacific/Auckland";
const unique = (text: string) => `${text} ${Math.random().toString(36).slice(2, 7)}`;

test.use({ timezoneId: TIME_ZONE });

test("a conversation opened by its address has its newest messages in the server's HTML, in the reader's time zone, and the browser takes it over unchanged", async ({
  page,
  browser,
}) => {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));

  await page.goto("/sign-in");
  await page.getByLabel("User name").fill("picker");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/chats$/);
  const chat = await new ChatListPage(page).open(/Acme Logistics/);
  const text = unique("Dock 4 is clear");
  await chat.send(text);
  const address = page.url();

  // The page as the server sends it, before any of the app's JavaScript: the message is there,
  // with its time in the reader's zone (the cookie the page's inline script wrote).
  const withoutScripts = await browser.newContext({ javaScriptEnabled: false, timezoneId: TIME_ZONE, storageState: await page.context().storageState() });
  const html = await withoutScripts.newPage();
  await html.goto(address);
  const served = new ConversationPage(html).message(text);
  await expect(served).toBeVisible();
  const sentAt = new Date((await served.locator("time").getAttribute("datetime"))!);
  const expected = new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit", timeZone: TIME_ZONE }).format(sentAt);
  await expect(served.locator("time")).toHaveText(expected);

  // Loaded for real: the same message and time, and React took the page over without a mismatch.
  await page.goto(address);
  const live = new ConversationPage(page).message(text);
  await expect(live.locator("time")).toHaveText(expected);
  await expect(page.getByRole("textbox", { name: "Message" })).toBeEditable();
  const next = unique("Dock 5 is clear");
  await new ConversationPage(page).send(next);
  expect(problems.filter((problem) => /Minified React error|hydrat/i.test(problem))).toEqual([]);
});
