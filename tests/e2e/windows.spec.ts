import { e2eSmsStandin } from "../support/e2e-sms";
import { postInboundSms } from "../support/sms-standin";
import { type Browser, type Locator, type Page, PRESENTATION, expect, test } from "./test";
import { accessibilityViolations, horizontalOverflow, ownDevice, signedInUserId, smallTargets } from "./pages/checks";
import { trpcMutation } from "./pages/host";
import { escapeRegExp } from "./pages/conversation-page";
import { DEMO_PASSWORD } from "./pages/sign-in-page";

/**
 * Chat windows (issue 14): on a wide screen chats stay open side by side, each with its own
 * composer; a window that is not in front asks for attention when a message arrives, the tab's
 * title too while the page is not; an SMS window counts what it sent; a direct chat's header
 * says whether the other person is online and when the chat started, and closes the chat.
 */
const sms = e2eSmsStandin(Number(process.env.E2E_PORT ?? 3100));
const DESKTOP = { width: 1280, height: 900 };
const TABLET = { width: 820, height: 1180 };
const PHONE = { width: 390, height: 844 };

type TrpcResult<T> = { result: { data: { json: T } } };

/** A person signed in (through the API) in a browser context of their own at `viewport`. */
async function signedIn(browser: Browser, baseURL: string, username: string, viewport: { width: number; height: number }) {
  const isPhone = viewport.width < 600;
  const context = await browser.newContext({ viewport, isMobile: isPhone, hasTouch: isPhone, colorScheme: "light" });
  await signInContext(context.request, baseURL, username);
  await ownDevice(context, await signedInUserId(context.request));
  return context.newPage();
}

async function signInContext(request: Page["request"], baseURL: string, username: string) {
  const response = await request.post("/api/auth/sign-in/username", { data: { username, password: DEMO_PASSWORD }, headers: { origin: baseURL } });
  expect(response.status(), await response.text()).toBe(200);
}

async function trpcQuery<T>(request: Page["request"], path: string, input?: unknown): Promise<T> {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const response = await request.get(`/api/trpc/${path}${query}`);
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as TrpcResult<T>).result.data.json;
}

/** A number of its own that texts in: whoever texts in gets an SMS window (an unverified contact). */
function textingPhone(baseURL: string) {
  const digits = `7${String(Math.floor(Math.random() * 100_000)).padStart(5, "0")}`;
  const phone = `+48600${digits}`;
  const display = `+48 600 ${digits.slice(0, 3)} ${digits.slice(3)}`;
  const text = async (body: string) => expect((await postInboundSms(`${baseURL}/api/sms/inbound`, sms, { From: phone, To: sms.from, Body: body })).status).toBe(200);
  return { display, text };
}

/** A conversation window on screen, by its title. */
const windowOf = (page: Page, title: string | RegExp) => page.getByRole("region", { name: title });

async function sendFrom(window: Locator, text: string) {
  await window.getByRole("textbox", { name: "Message" }).fill(text);
  await window.getByRole("button", { name: "Send" }).click();
  await expect(window.getByRole("button", { name: new RegExp(escapeRegExp(text)) })).toBeVisible();
}

type SmsSettings = { messageCounter: { threshold: number } | null } & Record<string, unknown>;

/**
 * The SMS settings with the message counter at `threshold`, for the length of `body`: the
 * setting is the organisation's, so it is put back as it was.
 */
async function withMessageCounter(browser: Browser, baseURL: string, threshold: number, body: () => Promise<void>) {
  const admin = await browser.newContext();
  await signInContext(admin.request, baseURL, "admin");
  const before = await trpcQuery<SmsSettings>(admin.request, "sms.settings");
  await trpcMutation(admin.request, "sms.saveSettings", { ...before, messageCounter: { threshold } });
  try {
    await body();
  } finally {
    await trpcMutation(admin.request, "sms.saveSettings", before);
    await admin.close();
  }
}

/** A room of this test's own in the manager's list (messages sent in it bother no other test). */
async function ownRoom(page: Page, title: string) {
  return trpcMutation<{ id: string }>(page.request, "chat.createRoom", { title, visibility: "public" });
}

/**
 * The manager with an SMS window kept open and a room picked beside it, at desktop size.
 * Returns the two windows.
 */
async function dockedPair(browser: Browser, baseURL: string) {
  const phone = textingPhone(baseURL);
  await phone.text("Is the delivery on its way?");
  const manager = await signedIn(browser, baseURL, "manager", DESKTOP);
  const roomTitle = `Dock ${Math.floor(Math.random() * 1e6)}`;
  const room = await ownRoom(manager, roomTitle);
  await manager.goto("/chats");

  await manager.getByRole("link", { name: new RegExp(escapeRegExp(phone.display)) }).click();
  const smsWindow = windowOf(manager, phone.display);
  await expect(smsWindow.getByRole("heading", { level: 1, name: phone.display })).toBeVisible();
  const smsChatId = new URL(manager.url()).pathname.split("/")[2]!;
  const keep = smsWindow.getByRole("button", { name: "Keep open" });
  await keep.click();
  await expect(keep).toHaveAttribute("aria-pressed", "true");

  await manager.getByRole("link", { name: new RegExp(escapeRegExp(roomTitle)) }).click();
  const roomWindow = windowOf(manager, roomTitle);
  await expect(roomWindow.getByRole("heading", { level: 1, name: roomTitle })).toBeVisible();
  // The SMS window stays, beside it, with a heading under the page's.
  await expect(smsWindow.getByRole("heading", { level: 2, name: phone.display })).toBeVisible();
  await expect(smsWindow.getByRole("button", { name: `Close window: ${phone.display}` })).toBeVisible();
  return { manager, phone, roomTitle, roomId: room.id, smsChatId, smsWindow, roomWindow };
}

test.describe("Chat windows", () => {
  test("a manager keeps an SMS window open beside a room, writes in both, and the SMS window asks for attention and counts its texts", async ({
    browser,
    baseURL,
  }) => {
    test.slow();
    await withMessageCounter(browser, baseURL!, 2, async () => {
      const { manager, phone, roomTitle, roomId, smsChatId, smsWindow, roomWindow } = await dockedPair(browser, baseURL!);

      // Each window its own composer.
      await sendFrom(roomWindow, "Pallets for the delivery are ready.");
      await sendFrom(smsWindow, "Yes, it left at 9:00.");
      await expect(smsWindow.getByRole("button", { name: /Yes, it left at 9:00/ })).toContainText("Delivered");
      await expect(roomWindow.getByRole("button", { name: /Yes, it left at 9:00/ })).toHaveCount(0);

      // The counter: what this window sent, red and saying so at the threshold.
      const counter = smsWindow.getByTestId("message-counter");
      await expect(counter).toHaveText("Sent: 1");
      await expect(counter).toHaveAttribute("data-over", "false");
      await sendFrom(smsWindow, "It should be with you by noon.");
      await expect(counter).toHaveText("⚠ Sent: 2, limit 2");
      await expect(counter).toHaveAttribute("data-over", "true");
      const colour = await counter.evaluate((element) => getComputedStyle(element).backgroundColor);
      expect(colour).toBe("rgb(179, 38, 30)");

      // The person works in the room; the page is then left (another window in front).
      await roomWindow.getByRole("textbox", { name: "Message" }).click();
      const titleBefore = await manager.title();
      await manager.evaluate(() => window.dispatchEvent(new Event("blur")));
      await phone.text("Great, thanks!");
      await expect(smsWindow.getByRole("button", { name: /Great, thanks!/ })).toBeVisible();
      await expect(smsWindow.getByRole("status").filter({ hasText: `New message in ${phone.display}` })).toBeVisible();
      await expect(smsWindow.locator("header")).toHaveAttribute("data-attention", "true");
      await expect(roomWindow.locator("header")).not.toHaveAttribute("data-attention", "true");
      // The title blinks once a second: polled each frame, not on an interval that could fall
      // into the "off" half every time.
      await manager.waitForFunction(() => document.title.includes("• 1 new message • "));

      // Back to the page: the title stops; turning to the window ends its call for attention.
      await manager.evaluate(() => window.dispatchEvent(new Event("focus")));
      // Without the unread count: other specs running beside this one write to the same manager.
      const withoutCount = (title: string) => title.replace(/^\(\d+\) /, "");
      await expect.poll(async () => withoutCount(await manager.title())).toBe(withoutCount(titleBefore));
      await smsWindow.getByRole("textbox", { name: "Message" }).click();
      await expect(smsWindow.locator("header")).not.toHaveAttribute("data-attention", "true");
      await expect(smsWindow.getByText(`New message in ${phone.display}`)).toHaveCount(0);

      // A reload keeps both windows, and the counter; the page tells the server both chats are
      // on screen, so neither brings a push notification.
      const reports: string[] = [];
      manager.on("request", (request) => {
        if (request.url().includes("stream.viewing")) reports.push(request.postData() ?? "");
      });
      await manager.reload();
      await expect.poll(() => reports.some((body) => body.includes(smsChatId) && body.includes(roomId))).toBe(true);
      await expect(windowOf(manager, roomTitle).getByRole("heading", { level: 1 })).toBeVisible();
      await expect(windowOf(manager, phone.display).getByRole("heading", { level: 2, name: phone.display })).toBeVisible();
      await expect(windowOf(manager, phone.display).getByTestId("message-counter")).toHaveText("⚠ Sent: 2, limit 2");

      // A phone shows one chat at a time: no windows beside it, nothing to keep open.
      await manager.setViewportSize(PHONE);
      await expect(windowOf(manager, roomTitle)).toBeVisible();
      await expect(windowOf(manager, phone.display)).toHaveCount(0);
      await expect(manager.getByRole("button", { name: "Keep open" })).toHaveCount(0);

      // Closing the window (back at desktop size) closes it for good and starts its counter again.
      await manager.setViewportSize(DESKTOP);
      await windowOf(manager, phone.display).getByRole("button", { name: `Close window: ${phone.display}` }).click();
      await expect(windowOf(manager, phone.display)).toHaveCount(0);
      await manager.getByRole("link", { name: new RegExp(escapeRegExp(phone.display)) }).click();
      await expect(windowOf(manager, phone.display).getByTestId("message-counter")).toHaveText("Sent: 0");
    });
  });

  test("the windows kept open are the person's own: someone else signing in on the same browser does not see them", async ({ browser, baseURL }) => {
    const { manager, phone } = await dockedPair(browser, baseURL!);
    await manager.context().clearCookies();
    await signInContext(manager.context().request, baseURL!, "manager2");
    await manager.goto("/chats");
    await expect(manager.getByRole("heading", { name: "Chats", level: 1 })).toBeVisible();
    await expect(manager.getByRole("link", { name: /Acme Logistics/ }).first()).toBeVisible();
    await expect(windowOf(manager, phone.display)).toHaveCount(0);
    // Still kept for the manager, under their own key.
    const manager2 = await signedInUserId(manager.context().request);
    const keys = await manager.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("floorchat-windows:")));
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain(manager2);
  });

  test("a direct chat's header shows whether the other person is online and when it started, and the chat can be closed from it", async ({
    browser,
    baseURL,
  }) => {
    const driver = await signedIn(browser, baseURL!, "driver", PHONE);
    await driver.goto("/chats");
    const picker = await signedIn(browser, baseURL!, "picker2", PHONE);
    const people = await trpcQuery<{ id: string; username: string }[]>(picker.request, "people.list", { sort: "name" });
    const driverId = people.find((p) => p.username === "driver")!.id;
    const chat = await trpcMutation<{ id: string }>(picker.request, "chat.openDirect", { userIds: [driverId] });
    await trpcMutation(picker.request, "chat.reopen", { chatId: chat.id });

    await picker.goto(`/chats/${chat.id}`);
    const header = picker.locator("header").filter({ has: picker.getByRole("heading", { level: 1, name: "Dawid Driver" }) });
    await expect(header.getByTestId("direct-presence")).toHaveText(/Online|Busy|Away|Unavailable/);
    // Opened a moment ago (or earlier by another test): a day this year, as the reader's locale writes it.
    await expect(header.getByText(new RegExp(`^Started [A-Z][a-z]{2} \\d{1,2}, ${new Date().getFullYear()}$`))).toBeVisible();

    // The other person leaves: the dot says so without a reload.
    await driver.context().close();
    await expect(header.getByTestId("direct-presence")).toHaveText("Offline", { timeout: 30_000 });

    await header.getByRole("button", { name: "Details" }).click();
    await picker.getByRole("dialog", { name: "Chat details" }).getByRole("button", { name: "Close chat" }).click();
    await expect(picker).toHaveURL(/\/chats$/);
    const closed = await trpcQuery<{ closedAt: string | null }>(picker.request, "chat.get", { chatId: chat.id });
    expect(closed.closedAt).not.toBeNull();
    await trpcMutation(picker.request, "chat.reopen", { chatId: chat.id });
  });

  test("docked windows and a direct chat's header meet WCAG AA, have 48 px targets and fit (screenshots kept)", PRESENTATION, async ({
    browser,
    baseURL,
  }) => {
    test.slow();
    // The counter red from the first text, so its colours are checked too.
    await withMessageCounter(browser, baseURL!, 1, async () => {
      const { manager, phone, smsWindow, roomWindow } = await dockedPair(browser, baseURL!);
      await sendFrom(smsWindow, "On my way.");
      await expect(smsWindow.getByTestId("message-counter")).toHaveAttribute("data-over", "true");
      // Working in the room when the text arrives: the SMS window asks for attention in the shots.
      await roomWindow.getByRole("textbox", { name: "Message" }).click();
      await phone.text("See you soon");
      await expect(smsWindow.locator("header")).toHaveAttribute("data-attention", "true");
      await checkPresentation(manager);
      await keepScreenshots(manager, "docked-pair");

      const people = await trpcQuery<{ id: string; username: string }[]>(manager.request, "people.list", { sort: "name" });
      const chat = await trpcMutation<{ id: string }>(manager.request, "chat.openDirect", { userIds: [people.find((p) => p.username === "picker2")!.id] });
      await trpcMutation(manager.request, "chat.reopen", { chatId: chat.id });
      await manager.goto(`/chats/${chat.id}`);
      await expect(windowOf(manager, "Paula Picker").getByTestId("direct-presence")).toBeVisible();
      await checkPresentation(manager);
      await keepScreenshots(manager, "direct-header");
    });
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

/**
 * Screenshots at a desktop's, a tablet's and a phone's size, kept with the test's results. The
 * desktop first: below its width the kept windows go (and with them their call for attention).
 */
async function keepScreenshots(page: Page, name: string) {
  const testInfo = test.info();
  for (const [device, size] of [
    ["desktop", DESKTOP],
    ["tablet", TABLET],
    ["phone", PHONE],
  ] as const) {
    await page.setViewportSize(size);
    const path = testInfo.outputPath(`${name}-${device}.png`);
    await page.screenshot({ path, animations: "disabled" });
    await testInfo.attach(`${name}-${device}`, { path, contentType: "image/png" });
  }
}
