import { e2eSmsStandin } from "../support/e2e-sms";
import { INSPECT_PATH, type StandinMessage, postInboundSms } from "../support/sms-standin";
import { PRESENTATION, type Page, expect, test } from "./test";
import { accessibilityViolations, horizontalOverflow, keepScreenshots, smallTargets } from "./pages/checks";
import { ConversationPage, escapeRegExp, personaPage } from "./pages/conversation-page";

/**
 * Two-way SMS (PRODUCT.md C6) in the browser. The e2e server texts through the provider's
 * stand-in (playwright.config.ts, tests/support/e2e-sms.ts), which reports every text delivered;
 * the demo data has the contacts (server/seed.ts): Marek Driver, and a record's customer.
 */
const sms = e2eSmsStandin(Number(process.env.E2E_PORT ?? 3100));

async function openContacts(page: Page) {
  await page.getByRole("link", { name: "SMS contacts" }).click();
  await expect(page).toHaveURL(/\/chats\/sms$/);
  await expect(page.getByRole("heading", { level: 1, name: "SMS contacts" })).toBeVisible();
  return page.getByRole("list", { name: "Contacts" });
}

async function openContact(page: Page, name: string) {
  await page.getByRole("list", { name: "Contacts" }).getByRole("button", { name: new RegExp(escapeRegExp(name)) }).click();
  await expect(page).toHaveURL(/\/chats\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  return new ConversationPage(page);
}

/** What the stand-in has taken from the app so far. */
async function textsTaken(page: Page): Promise<StandinMessage[]> {
  const response = await page.request.get(`${sms.url}${INSPECT_PATH}`);
  return ((await response.json()) as { messages: StandinMessage[] }).messages;
}

test.describe("SMS (phone)", () => {
  test("a manager finds a contact, texts them from the window and sees it delivered", async ({ browser }) => {
    const manager = await personaPage(browser, "manager");
    const contacts = await openContacts(manager);
    await manager.getByRole("searchbox", { name: "Search contacts" }).fill("Marek");
    await expect(contacts.getByRole("button")).toHaveCount(1);
    await contacts.getByRole("button", { name: /Marek Driver/ }).click();
    await expect(manager).toHaveURL(/\/chats\/[0-9a-f-]{36}$/);
    await expect(manager.getByRole("heading", { level: 1, name: "Marek Driver" })).toBeVisible();
    await expect(manager.getByText("+48 600 100 200", { exact: true })).toBeVisible();

    // Text only: no files, and the counter says what the text costs.
    const conversation = new ConversationPage(manager);
    await expect(manager.getByRole("button", { name: "Attach files" })).toHaveCount(0);
    const counter = manager.getByTestId("segment-counter");
    await conversation.composer().fill("ł".repeat(210));
    await expect(counter).toHaveText("UCS-2 · 58 left · ⚠ 4 SMS, more than 3");
    await conversation.composer().fill("Running late?");
    await expect(counter).toHaveText("GSM-7 · 147 left · 1 SMS");

    await conversation.sendButton().click();
    await expect(conversation.message("Running late?")).toContainText("✓✓ Delivered");
    expect((await textsTaken(manager)).filter((m) => m.to === "+48600100200" && m.body === "Running late?")).toHaveLength(1);
  });

  test("a phone that replies STOP is shown opted out and cannot be texted until it sends START", async ({ browser, baseURL }) => {
    const manager = await personaPage(browser, "manager");
    // A number of its own: whoever texts in gets a window (an unverified contact, not in the list).
    const digits = `5${String(Math.floor(Math.random() * 100_000)).padStart(5, "0")}`;
    const phone = `+48600${digits}`;
    const text = (body: string) => postInboundSms(`${baseURL}/api/sms/inbound`, sms, { From: phone, To: sms.from, Body: body });
    expect((await text("Is the parcel coming today?")).status).toBe(200);

    await manager.getByRole("link", { name: new RegExp(escapeRegExp(`+48 600 ${digits.slice(0, 3)} ${digits.slice(3)}`)) }).click();
    const conversation = new ConversationPage(manager);
    await expect(conversation.message("Is the parcel coming today?")).toBeVisible();
    await expect(conversation.composer()).toBeEnabled();

    await text("STOP");
    await expect(manager.getByText("Opted out: they replied STOP. Nothing is sent until they text START.")).toBeVisible();
    await expect(conversation.composer()).toBeDisabled();

    await text("START");
    await expect(manager.getByText(/^Opted out/)).toHaveCount(0);
    await expect(conversation.composer()).toBeEnabled();
  });

  test("a worker has no SMS entry, and the contacts screen tells them it is not for their role", async ({ browser }) => {
    const picker = await personaPage(browser, "picker");
    await picker.goto("/chats/sms");
    await expect(picker.getByText("Texting contacts is not part of your role. Ask an admin if you need it.")).toBeVisible();
    await expect(picker.getByRole("searchbox")).toHaveCount(0);
    // Back in the chat list, with who they are (and what they may do) known by now.
    await picker.getByRole("link", { name: "Back to chats" }).click();
    await expect(picker.getByRole("link", { name: /Acme Logistics/ }).first()).toBeVisible();
    await expect(picker.getByRole("link", { name: "SMS contacts" })).toHaveCount(0);
  });

  test("the contacts and an SMS window meet WCAG AA in both schemes, have 48 px targets and fit (screenshots kept)", PRESENTATION, async ({ browser }) => {
    const manager = await personaPage(browser, "manager");
    const contacts = await openContacts(manager);
    await expect(contacts.getByRole("button", { name: /Customer of SO-10001/ })).toBeVisible();
    await checkPresentation(manager);
    await keepScreenshots(manager, test.info(), "sms-contacts");

    const conversation = await openContact(manager, "Customer of SO-10001");
    await conversation.composer().fill("Your order SO-10001 leaves the warehouse at 14:00.");
    await conversation.sendButton().click();
    await expect(conversation.message("Your order SO-10001 leaves")).toContainText("Delivered");
    await conversation.composer().fill("Reply here if the time does not suit you.");
    await expect(manager.getByTestId("segment-counter")).toContainText("1 SMS");
    await checkPresentation(manager);
    await keepScreenshots(manager, test.info(), "sms-window");
  });
});

async function checkPresentation(page: Page) {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await accessibilityViolations(page), colorScheme).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: null });
  expect(await smallTargets(page)).toEqual([]);
  expect(await horizontalOverflow(page)).toBe(0);
}
