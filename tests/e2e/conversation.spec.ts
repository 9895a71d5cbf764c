import AxeBuilder from "@axe-core/playwright";
import { PRESENTATION, expect, test } from "./test";
import { ChatListPage, ConversationPage, personaPage } from "./pages/conversation-page";

const COMPANY = /Acme Logistics/;
const unique = (text: string) => `${text} ${Math.random().toString(36).slice(2, 7)}`;

test.describe("conversations between two people (phone)", () => {
  test("a picker's message in the company chat reaches the manager live, and the picker sees ✓✓ once it is read", async ({ browser }) => {
    const picker = await personaPage(browser, "picker");
    const manager = await personaPage(browser, "manager");
    const managerChat = await new ChatListPage(manager).open(COMPANY);
    const pickerChat = await new ChatListPage(picker).open(COMPANY);
    const text = unique("Can I fill 12 as 2 packs of 6?");
    await pickerChat.send(text);
    await expect(managerChat.message(text)).toBeVisible();
    const bubble = pickerChat.message(text);
    await expect(bubble.locator("[data-receipt='read']")).toBeVisible();
  });

  test("a picker edits and deletes a message and the manager sees both", async ({ browser }) => {
    const picker = await personaPage(browser, "picker");
    const manager = await personaPage(browser, "manager");
    const managerChat = await new ChatListPage(manager).open(COMPANY);
    const pickerChat = await new ChatListPage(picker).open(COMPANY);
    const text = unique("12 boxes at dock 3");
    await pickerChat.send(text);
    await expect(managerChat.message(text)).toBeVisible();

    const actions = await pickerChat.openActions(text);
    await actions.getByRole("button", { name: "Edit" }).click();
    const edited = text.replace("12", "14");
    await pickerChat.composer().fill(edited);
    await pickerChat.page.getByRole("button", { name: "Save" }).click();
    await expect(managerChat.message(edited)).toContainText("edited");

    const again = await pickerChat.openActions(edited);
    await again.getByRole("button", { name: "Delete" }).click();
    await again.getByRole("button", { name: "Delete message" }).click();
    await expect(managerChat.page.getByText(edited)).toHaveCount(0);
    await expect(managerChat.page.getByText("Message deleted").last()).toBeVisible();
  });

  test("a picker replies to a message and the quote shows for the other side", async ({ browser }) => {
    const picker = await personaPage(browser, "picker");
    const manager = await personaPage(browser, "manager");
    const managerChat = await new ChatListPage(manager).open(COMPANY);
    const pickerChat = await new ChatListPage(picker).open(COMPANY);
    const question = unique("Where is the pallet jack?");
    await managerChat.send(question);
    const actions = await pickerChat.openActions(question);
    await actions.getByRole("button", { name: "Reply" }).click();
    const answer = unique("Aisle 7");
    await pickerChat.send(answer);
    await expect(managerChat.message(answer)).toContainText(question);
  });

  test("a direct message from picker to picker2 appears in picker2's chats", async ({ browser }) => {
    const picker = await personaPage(browser, "picker");
    const picker2 = await personaPage(browser, "picker2");
    await picker.getByRole("button", { name: "New" }).click();
    const sheet = picker.getByRole("dialog");
    await sheet.getByRole("searchbox", { name: "Search people" }).fill("Paula");
    await sheet.getByRole("checkbox", { name: /Paula Picker/ }).check();
    await sheet.getByRole("button", { name: "Start chat" }).click();
    await expect(picker).toHaveURL(/\/chats\/[0-9a-f-]{36}$/);
    const text = unique("Swap shifts on Friday?");
    await new ConversationPage(picker).send(text);
    const row = picker2.getByRole("link", { name: /^Direct message Piotr Picker/ });
    await expect(row).toBeVisible();
    await expect(row).toContainText(text);
    await row.click();
    await expect(new ConversationPage(picker2).message(text)).toBeVisible();
  });

  test("a private room the picker is not in never appears in the picker's chats", async ({ browser }) => {
    const manager = await personaPage(browser, "manager");
    const picker = await personaPage(browser, "picker");
    const title = unique("Managers only");
    await manager.getByRole("button", { name: "New" }).click();
    const sheet = manager.getByRole("dialog");
    await sheet.getByRole("button", { name: "Room" }).click();
    await sheet.getByLabel("Room name").fill(title);
    await sheet.getByRole("checkbox", { name: /Managers/ }).check();
    await sheet.getByRole("button", { name: "Create room" }).click();
    await expect(manager).toHaveURL(/\/chats\/[0-9a-f-]{36}$/);
    const roomUrl = manager.url();
    await new ConversationPage(manager).send(unique("Budget for next week"));
    // A public message sent after it reaches the picker: by then the room would have too.
    const marker = unique("Lunch is ready");
    await manager.goto("/chats");
    await (await new ChatListPage(manager).open(COMPANY)).send(marker);
    await expect(picker.getByRole("link", { name: COMPANY })).toContainText(marker);
    await expect(picker.getByRole("link", { name: new RegExp(title) })).toHaveCount(0);
    await picker.goto(roomUrl);
    await expect(picker.getByText("This chat is not available to you.")).toBeVisible();
  });

  test("the chat list and a conversation have no serious accessibility violations", PRESENTATION, async ({ browser }) => {
    for (const colorScheme of ["light", "dark"] as const) {
      const picker = await personaPage(browser, "picker", { colorScheme });
      const serious = async () =>
        (await new AxeBuilder({ page: picker }).withTags(["wcag2a", "wcag2aa", "wcag21aa"]).analyze()).violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .map((v) => `${v.id}: ${v.nodes.map((n) => `${n.target.join(" ")} ${n.failureSummary ?? ""}`).join(", ")}`);
      expect(await serious()).toEqual([]);
      await new ChatListPage(picker).open(COMPANY);
      await expect(picker.getByRole("textbox", { name: "Message" })).toBeVisible();
      expect(await serious()).toEqual([]);
      await picker.screenshot({ path: test.info().outputPath(`conversation-${colorScheme}.png`) });
    }
  });
});
