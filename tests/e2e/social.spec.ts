import { BROWSER_SIDE, PRESENTATION, type Page, expect, test } from "./test";
import { accessibilityViolations, keepScreenshots, smallTargets } from "./pages/checks";
import { ChatListPage, personaPage } from "./pages/conversation-page";

const COMPANY = /Acme Logistics/;
const unique = (text: string) => `${text} ${Math.random().toString(36).slice(2, 7)}`;

/** The list item of a message (its bubble, record chips and reactions) by the message's text. */
const messageItem = (page: Page, text: string) => page.locator("li[data-seq]").filter({ hasText: text }).last();

test.describe("mentions, reactions and emoji (phone)", () => {
  test("a record mention picked from the suggestions becomes a chip with the record's title and status that opens the record's chat", async ({
    browser,
  }, testInfo) => {
    const page = await personaPage(browser, "picker");
    const chat = await new ChatListPage(page).open(COMPANY);
    const note = unique("Please recheck");
    await chat.composer().fill(`${note} @so-1004`);
    const suggestions = page.getByRole("listbox", { name: "Mention suggestions" });
    const option = suggestions.getByRole("option", { name: /SO-10042/ });
    await expect(option).toBeVisible();

    expect(await smallTargets(page)).toEqual([]);
    expect(await accessibilityViolations(page)).toEqual([]);
    await keepScreenshots(page, testInfo, "mention-suggestions");

    await option.click();
    await expect(suggestions).toHaveCount(0);
    await expect(chat.composer()).toHaveValue(`${note} @SO-10042 `);
    await chat.sendButton().click();

    const item = messageItem(page, note);
    await expect(item.locator("[data-mention='entity']")).toHaveText("@SO-10042");
    const chip = item.getByRole("button", { name: /\(SO-10042\), .+: open its chat$/ });
    const label = (await chip.getAttribute("aria-label")) ?? "";
    const [, title, status] = /^(.+) \(SO-10042\), (.+): open its chat$/.exec(label) ?? [];
    expect(title).toBeTruthy();
    await expect(chip).toContainText(title!);
    await expect(chip).toContainText(status!);
    await keepScreenshots(page, testInfo, "record-chip");

    const companyUrl = page.url();
    await chip.click();
    await expect(page).not.toHaveURL(companyUrl);
    await expect(page).toHaveURL(/\/chats\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`SO-10042 · ${title}`);
  });

  test("a reaction from the action sheet appears live for the other side with its count, and tapping the chip takes it back for both", async ({
    browser,
  }, testInfo) => {
    const picker = await personaPage(browser, "picker");
    const manager = await personaPage(browser, "manager");
    const managerChat = await new ChatListPage(manager).open(COMPANY);
    const pickerChat = await new ChatListPage(picker).open(COMPANY);
    const text = unique("Truck 4 is loaded");
    await managerChat.send(text);

    const actions = await pickerChat.openActions(text);
    await keepScreenshots(picker, testInfo, "message-actions");
    await actions.getByRole("button", { name: "React with 👍" }).click();

    const mine = messageItem(picker, text).getByRole("button", { name: "👍 1 reaction: Piotr Picker" });
    await expect(mine).toHaveAttribute("aria-pressed", "true");
    const theirs = messageItem(manager, text).getByRole("button", { name: "👍 1 reaction: Piotr Picker" });
    await expect(theirs).toHaveText("👍1");
    await expect(theirs).toHaveAttribute("aria-pressed", "false");
    expect(await smallTargets(manager)).toEqual([]);
    await keepScreenshots(manager, testInfo, "reaction-live");

    await mine.click();
    await expect(messageItem(manager, text).getByRole("button", { name: /^👍/ })).toHaveCount(0);
    await expect(messageItem(picker, text).getByRole("button", { name: /^👍/ })).toHaveCount(0);
  });

  test("a person mention chosen with the keyboard puts an @ badge on the mentioned person's chat row and is marked in the text", async ({
    browser,
  }, testInfo) => {
    const picker = await personaPage(browser, "picker2");
    const manager = await personaPage(browser, "manager2");
    const chat = await new ChatListPage(picker).open(COMPANY);
    const note = unique("Forklift 3 needs a key");
    await chat.composer().fill(`${note} @tomasz`);
    await expect(picker.getByRole("option", { name: /Tomasz Nowak/ })).toHaveAttribute("aria-selected", "true");
    await chat.composer().press("Enter");
    await expect(chat.composer()).toHaveValue(`${note} @Tomasz Nowak `);
    await chat.composer().press("Enter");
    await expect(messageItem(picker, note).locator("[data-mention='user']")).toHaveText("@Tomasz Nowak");

    const row = new ChatListPage(manager).row(COMPANY).first();
    await expect(row.getByTestId("mention-badge")).toHaveText(/Mentioned you once/);
    await keepScreenshots(manager, testInfo, "mention-badge");
    const managerChat = await new ChatListPage(manager).open(COMPANY);
    await expect(messageItem(managerChat.page, note).locator("[data-mention='user']")).toHaveText("@Tomasz Nowak");
  });

  test("a message with mentions, a record chip and a reaction meets WCAG AA with 48 px targets in dark mode", PRESENTATION, async ({ browser }, testInfo) => {
    const page = await personaPage(browser, "driver", { colorScheme: "dark" });
    const chat = await new ChatListPage(page).open(COMPANY);
    const note = unique("Dock 2 ready for");
    await chat.composer().fill(`${note} @SO-10001`);
    await expect(page.getByRole("option", { name: /SO-10001/ })).toHaveAttribute("aria-selected", "true");
    await chat.composer().press("Enter");
    await chat.composer().pressSequentially("ask @paula");
    await expect(page.getByRole("option", { name: /Paula Picker/ })).toHaveAttribute("aria-selected", "true");
    await chat.composer().press("Enter");
    await chat.composer().press("Enter");
    const item = messageItem(page, note);
    await expect(item.locator("[data-mention]")).toHaveText(["@SO-10001", "@Paula Picker"]);
    const actions = await chat.openActions(note);
    await actions.getByRole("button", { name: "React with ✅" }).click();
    await expect(item.getByRole("button", { name: "✅ 1 reaction: Dawid Driver" })).toHaveAttribute("aria-pressed", "true");

    expect(await accessibilityViolations(page)).toEqual([]);
    expect(await smallTargets(page)).toEqual([]);
    await keepScreenshots(page, testInfo, "social-dark");
  });

  test("the Emoji button loads the picker from this server alone and puts the chosen emoji at the caret", BROWSER_SIDE, async ({ browser }, testInfo) => {
    const page = await personaPage(browser, "picker2");
    const requested: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    const chat = await new ChatListPage(page).open(COMPANY);
    await chat.composer().fill("Well done ");

    // Nothing of the picker is fetched before it is opened.
    expect(requested.filter((url) => new URL(url).pathname.startsWith("/emoji/"))).toEqual([]);
    await page.getByRole("button", { name: "Emoji" }).click();
    const sheet = page.getByRole("dialog", { name: "Choose an emoji" });
    await sheet.getByRole("combobox").fill("thumbs up");
    const thumbs = sheet.getByRole("option", { name: /thumbs up/i }).first();
    await expect(thumbs).toBeVisible();
    await keepScreenshots(page, testInfo, "emoji-picker");
    await thumbs.click();
    // The picker gives the emoji's fully qualified form (with its variation selector, if any).
    // It looks the emoji up in its database before telling us: close only once it has arrived.
    await expect(chat.composer()).toHaveValue(/^Well done 👍\uFE0F?$/u);
    await sheet.getByRole("button", { name: "Close" }).click();
    await expect(sheet).toHaveCount(0);
    await expect(chat.composer()).toHaveValue(/^Well done 👍\uFE0F?$/u);
    expect(requested.some((url) => new URL(url).pathname === "/emoji/en.json")).toBe(true);
    expect(requested.filter((url) => new URL(url).hostname !== "localhost")).toEqual([]);
  });
});
