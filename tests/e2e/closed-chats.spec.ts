import { randomBytes } from "node:crypto";
import { e2eSmsStandin } from "../support/e2e-sms";
import { postInboundSms } from "../support/sms-standin";
import { PRESENTATION, type Browser, type Page, expect, test } from "./test";
import { accessibilityViolations, horizontalOverflow, keepScreenshots, ownDevice, smallTargets } from "./pages/checks";
import { ConversationPage, escapeRegExp } from "./pages/conversation-page";
import { signedInPage, trpcMutation } from "./pages/host";

/**
 * Chats that open and close (the TrackerChat document, PRODUCT.md C3 and C6): closing a direct
 * chat, History and Restart, a message reopening a closed chat, "Someone wants to chat", and the
 * number of SMS contacts waiting for an answer.
 *
 * People of each test's own: a first message is first only once, and the demo personas' chats
 * are every other test's too. Closing goes through the API: the conversation's Close button is
 * another screen's (components/conversation).
 */
const PASSWORD = "closed chats password";
const sms = e2eSmsStandin(Number(process.env.E2E_PORT ?? 3100));

type Person = { id: string; username: string; name: string };

async function newPerson(admin: Page, name: string, role: "worker" | "manager" = "worker"): Promise<Person> {
  const username = `cc${randomBytes(4).toString("hex")}`;
  const created = await trpcMutation<{ id: string }>(admin.request, "user.create", { username, name, password: PASSWORD, role });
  return { id: created.id, username, name };
}

/** The person signed in in a browser context of their own, on the chat list. */
async function signIn(browser: Browser, baseURL: string, person: Person): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const response = await context.request.post("/api/auth/sign-in/username", {
    data: { username: person.username, password: PASSWORD },
    headers: { origin: baseURL },
  });
  expect(response.status(), await response.text()).toBe(200);
  await ownDevice(context, person.id);
  const page = await context.newPage();
  await gotoLive(page, "/chats");
  await expect(page.getByRole("heading", { level: 1, name: "Chats" })).toBeVisible();
  return page;
}

/**
 * Loads a page and waits for its live stream: the tab reports what it shows once the stream has
 * said hello, and only from then on does a message arrive as an event (before, the list is
 * simply fetched again, and an alert has nothing to start from).
 */
async function gotoLive(page: Page, path: string) {
  const live = page.waitForRequest((request) => request.url().includes("stream.viewing"));
  await page.goto(path);
  await live;
}

/** Bartek's first message asks Anna to chat wherever she is; these tests are about something else. */
async function later(page: Page) {
  await page.getByRole("region", { name: "Someone wants to chat" }).getByRole("button", { name: "Later" }).click();
}

/** A direct chat from `from` to `to` with `from`'s first message in it; its id. */
async function directChat(from: Page, to: Person, text: string): Promise<string> {
  const chat = await trpcMutation<{ id: string }>(from.request, "chat.openDirect", { userIds: [to.id] });
  await send(from, chat.id, text);
  return chat.id;
}

async function send(from: Page, chatId: string, body: string) {
  await trpcMutation(from.request, "message.send", { chatId, clientId: `cc-${randomBytes(6).toString("hex")}`, body });
}

const directRow = (page: Page, name: string) => page.getByRole("list", { name: "Open chats" }).getByRole("link", { name: new RegExp(`^Direct message ${escapeRegExp(name)}`) });

/** The open count beside the heading agrees with the rows listed (other tests' public rooms may come and go). */
async function expectOpenCountMatchesList(page: Page) {
  await expect
    .poll(async () => {
      const shown = await page.getByTestId("open-chats").textContent();
      const rows = await page.getByRole("list", { name: "Open chats" }).getByRole("listitem").count();
      return shown === `${rows} open`;
    })
    .toBe(true);
}

test.describe("closed chats, History and someone wanting to chat (phone)", () => {
  test("a closed direct chat leaves the list and its open count, History lists it with when it started and closed, and Restart opens it where it left off", async ({
    browser,
    baseURL,
  }) => {
    const admin = await signedInPage(browser, baseURL!, "admin");
    const [anna, bartek] = await Promise.all([newPerson(admin, "Anna Kowalska"), newPerson(admin, "Bartek Nowicki")]);
    const [annaPage, bartekPage] = await Promise.all([signIn(browser, baseURL!, anna), signIn(browser, baseURL!, bartek)]);
    const chatId = await directChat(bartekPage, anna, "Pallet 12 is ready for you");

    const row = directRow(annaPage, bartek.name);
    await expect(row).toContainText("Pallet 12 is ready for you");
    await later(annaPage);
    await expectOpenCountMatchesList(annaPage);

    await trpcMutation(annaPage.request, "chat.close", { chatId });
    await expect(row).toHaveCount(0);
    await expectOpenCountMatchesList(annaPage);

    await annaPage.getByRole("link", { name: "History" }).click();
    await expect(annaPage).toHaveURL(/\/chats\/history$/);
    await expect(annaPage.getByRole("heading", { level: 1, name: "History" })).toBeVisible();
    const closed = annaPage.getByRole("list", { name: "Closed chats" }).getByRole("listitem");
    await expect(closed).toHaveCount(1);
    await expect(closed).toContainText(bartek.name);
    await expect(closed).toContainText(/Started \w.*\d:\d\d/);
    await expect(closed).toContainText(/Closed \w.*\d:\d\d/);

    await closed.getByRole("button", { name: `Restart the chat with ${bartek.name}` }).click();
    await expect(annaPage).toHaveURL(new RegExp(`/chats/${chatId}$`));
    await expect(new ConversationPage(annaPage).message("Pallet 12 is ready for you")).toBeVisible();
    await annaPage.goto("/chats");
    await expect(directRow(annaPage, bartek.name)).toBeVisible();
    await expectOpenCountMatchesList(annaPage);
    await annaPage.getByRole("link", { name: "History" }).click();
    await expect(annaPage.getByText("Nothing closed yet")).toBeVisible();
  });

  test("a message from the other person brings a closed chat back to the list as it arrives", async ({ browser, baseURL }) => {
    const admin = await signedInPage(browser, baseURL!, "admin");
    const [anna, bartek] = await Promise.all([newPerson(admin, "Anna Kowalska"), newPerson(admin, "Bartek Nowicki")]);
    const [annaPage, bartekPage] = await Promise.all([signIn(browser, baseURL!, anna), signIn(browser, baseURL!, bartek)]);
    const chatId = await directChat(bartekPage, anna, "Dock 3 is free");
    const row = directRow(annaPage, bartek.name);
    await expect(row).toBeVisible();
    await later(annaPage);

    await trpcMutation(annaPage.request, "chat.close", { chatId });
    await expect(row).toHaveCount(0);

    await send(bartekPage, chatId, "One more pallet for dock 3");
    await expect(row).toContainText("One more pallet for dock 3");
    await expectOpenCountMatchesList(annaPage);
    await annaPage.getByRole("link", { name: "History" }).click();
    await expect(annaPage.getByText("Nothing closed yet")).toBeVisible();
  });

  test("the first message of a new direct chat, while I am on another screen, asks with Open and Later and lights the Chats tab", async ({
    browser,
    baseURL,
  }) => {
    const admin = await signedInPage(browser, baseURL!, "admin");
    const [anna, bartek, celina] = await Promise.all([
      newPerson(admin, "Anna Kowalska"),
      newPerson(admin, "Bartek Nowicki"),
      newPerson(admin, "Celina Wróbel"),
    ]);
    const [annaPage, bartekPage, celinaPage] = await Promise.all([
      signIn(browser, baseURL!, anna),
      signIn(browser, baseURL!, bartek),
      signIn(browser, baseURL!, celina),
    ]);
    await annaPage.getByRole("link", { name: "People" }).click();
    await expect(annaPage.getByRole("heading", { level: 1, name: "People" })).toBeVisible();

    const alert = annaPage.getByRole("region", { name: "Someone wants to chat" });
    const chatsTab = annaPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Chats/ });
    await expect(alert).toHaveCount(0);
    await directChat(bartekPage, anna, "Can you cover my shift?");
    await expect(alert.getByRole("alert")).toHaveText(/Someone wants to chat!\s*Bartek Nowicki has written to you for the first time\./);
    await expect(chatsTab).toHaveAccessibleName(/Someone wants to chat/);
    await expect(chatsTab.locator("[data-called='true']")).toHaveCount(1);

    // A second person meanwhile waits behind the first.
    const celinaChat = await directChat(celinaPage, anna, "Forklift 2 needs you");
    await expect(alert).toContainText("1 more person waiting");
    await expect(alert).toContainText("Bartek Nowicki");

    await alert.getByRole("button", { name: "Later" }).click();
    await expect(alert).toContainText("Celina Wróbel has written to you for the first time.");
    await expect(alert).not.toContainText("more");
    await expect(annaPage).toHaveURL(/\/people$/);

    await alert.getByRole("link", { name: "Open" }).click();
    await expect(annaPage).toHaveURL(new RegExp(`/chats/${celinaChat}$`));
    await expect(new ConversationPage(annaPage).message("Forklift 2 needs you")).toBeVisible();
    await expect(alert).toHaveCount(0);
    await expect(chatsTab).not.toHaveAccessibleName(/Someone wants to chat/);
    await expect(chatsTab.locator("[data-called]")).toHaveCount(0);
  });

  test("the SMS contacts entry shows how many contacts have unread texts, as they arrive", async ({ browser, baseURL }) => {
    const admin = await signedInPage(browser, baseURL!, "admin");
    const mira = await newPerson(admin, "Mira Manager", "manager");
    const page = await signIn(browser, baseURL!, mira);
    const entry = page.getByRole("link", { name: /^SMS contacts/ });
    await expect(entry).toBeVisible();

    const phone = `+48600${String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0")}`;
    expect((await postInboundSms(`${baseURL}/api/sms/inbound`, sms, { From: phone, To: sms.from, Body: "Where is my parcel?" })).status).toBe(200);

    // Other tests' texts may arrive too: the number is the list's SMS windows with something unread.
    await expect(entry).toHaveAccessibleName(/SMS contacts \d+ contacts? with unread texts/);
    await expect
      .poll(async () => {
        const response = await page.request.get("/api/trpc/chat.list");
        const chats = ((await response.json()) as { result: { data: { json: { kind: string; unread: number }[] } } }).result.data.json;
        const waiting = chats.filter((chat) => chat.kind === "sms" && chat.unread > 0).length;
        return (await page.getByTestId("sms-unread-contacts").getAttribute("data-count")) === String(waiting) && waiting >= 1;
      })
      .toBe(true);
    await keepScreenshots(page, test.info(), "sms-unread-contacts");
  });

  test("History and the alert meet WCAG AA in both schemes, have 48 px targets and fit (screenshots kept)", PRESENTATION, async ({ browser, baseURL }) => {
    // Five people, three screens checked in two schemes and photographed at two sizes: on two shared cores this passes a minute.
    test.slow();
    const admin = await signedInPage(browser, baseURL!, "admin");
    const people = await Promise.all(
      ["Anna Kowalska", "Bartek Nowicki", "Celina Wróbel", "Dana Zielińska", "Edward Lis"].map((name) => newPerson(admin, name)),
    );
    const [annaPage, bartekPage, celinaPage, danaPage, edwardPage] = (await Promise.all(people.map((person) => signIn(browser, baseURL!, person)))) as [
      Page,
      Page,
      Page,
      Page,
      Page,
    ];
    const anna = people[0]!;

    await annaPage.getByRole("link", { name: "History" }).click();
    await expect(annaPage.getByText("Nothing closed yet")).toBeVisible();
    await checkPresentation(annaPage);
    await keepScreenshots(annaPage, test.info(), "history-empty");

    for (const [from, text] of [
      [bartekPage, "Pallet 12 is ready for you"],
      [celinaPage, "Forklift 2 needs you"],
    ] as const) {
      await trpcMutation(annaPage.request, "chat.close", { chatId: await directChat(from, anna, text) });
    }
    // Closed before Anna answered: a fresh page has no alert to show over the list.
    await annaPage.reload();
    await expect(annaPage.getByRole("list", { name: "Closed chats" }).getByRole("listitem")).toHaveCount(2);
    await checkPresentation(annaPage);
    await keepScreenshots(annaPage, test.info(), "history");

    // The alert over the chat list, with a second person waiting behind the first.
    await gotoLive(annaPage, "/chats");
    await directChat(danaPage, anna, "Are you on the late shift?");
    await directChat(edwardPage, anna, "Truck 4 is here");
    const alert = annaPage.getByRole("region", { name: "Someone wants to chat" });
    await expect(alert).toContainText("1 more person waiting");
    await checkPresentation(annaPage);
    await keepScreenshots(annaPage, test.info(), "chat-request");
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
