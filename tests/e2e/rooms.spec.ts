import { type Page, expect, test } from "./test";
import { accessibilityViolations, smallTargets } from "./pages/checks";
import { ConversationPage, personaPage } from "./pages/conversation-page";

const unique = (text: string) => `${text} ${Math.random().toString(36).slice(2, 7)}`;

async function createPrivateRoom(manager: Page, title: string, personName: string) {
  await manager.getByRole("button", { name: "New" }).click();
  const sheet = manager.getByRole("dialog");
  await sheet.getByRole("button", { name: "Room" }).click();
  await sheet.getByLabel("Room name").fill(title);
  await sheet.getByRole("checkbox", { name: new RegExp(personName) }).check();
  await sheet.getByRole("button", { name: "Create room" }).click();
  await expect(manager).toHaveURL(/\/chats\/[0-9a-f-]{36}$/);
  return manager.url();
}

async function openRoomSettings(page: Page) {
  await page.getByRole("button", { name: "Details" }).click();
  await page.getByRole("dialog", { name: "Chat details" }).getByRole("button", { name: "Room settings" }).click();
  return page.getByRole("dialog", { name: "Room settings" });
}

test.describe("room management (phone)", () => {
  test("the creator renames a room and takes a person off its access list; that person sees both live", async ({ browser }) => {
    const manager = await personaPage(browser, "manager");
    const picker = await personaPage(browser, "picker");
    const title = unique("Night shift");
    const roomUrl = await createPrivateRoom(manager, title, "Piotr Picker");
    await new ConversationPage(manager).send(unique("Who covers aisle 7?"));
    await expect(picker.getByRole("link", { name: new RegExp(title) })).toBeVisible();

    const renamed = unique("Night shift B");
    let settings = await openRoomSettings(manager);
    await expect(settings.getByRole("checkbox", { name: /Piotr Picker/ })).toBeChecked();
    await settings.getByLabel("Room name").fill(renamed);
    await settings.getByRole("button", { name: "Save changes" }).click();
    await expect(settings).toBeHidden();
    await expect(manager.getByRole("heading", { level: 1, name: renamed })).toBeVisible();
    await expect(picker.getByRole("link", { name: new RegExp(renamed) })).toBeVisible();

    settings = await openRoomSettings(manager);
    await settings.getByRole("checkbox", { name: /Piotr Picker/ }).uncheck();
    await settings.getByRole("button", { name: "Save changes" }).click();
    await expect(settings).toBeHidden();
    await expect(picker.getByRole("link", { name: new RegExp(renamed) })).toHaveCount(0);
    await picker.goto(roomUrl);
    await expect(picker.getByText("This chat is not available to you.")).toBeVisible();
  });

  test("a member leaves a room after confirming, and it leaves their chat list", async ({ browser }) => {
    const manager = await personaPage(browser, "manager");
    const picker = await personaPage(browser, "picker");
    const title = unique("Returns desk");
    await createPrivateRoom(manager, title, "Piotr Picker");
    await new ConversationPage(manager).send(unique("Returns pile up at door 3"));
    await picker.getByRole("link", { name: new RegExp(title) }).click();
    await picker.getByRole("button", { name: "Details" }).click();
    const details = picker.getByRole("dialog", { name: "Chat details" });
    await expect(details.getByRole("button", { name: "Room settings" })).toHaveCount(0);
    await details.getByRole("button", { name: "Leave chat" }).click();
    await expect(details.getByText(/lose access/)).toBeVisible();
    await details.getByRole("button", { name: "Leave", exact: true }).click();
    await expect(picker).toHaveURL(/\/chats$/);
    await expect(picker.getByRole("link", { name: new RegExp(title) })).toHaveCount(0);
  });

  test("the creator deletes a room after confirming, and it disappears for its members", async ({ browser }) => {
    const manager = await personaPage(browser, "manager");
    const picker = await personaPage(browser, "picker");
    const title = unique("Temporary");
    await createPrivateRoom(manager, title, "Piotr Picker");
    await new ConversationPage(manager).send(unique("This room is short-lived"));
    await expect(picker.getByRole("link", { name: new RegExp(title) })).toBeVisible();

    const settings = await openRoomSettings(manager);
    expect(await accessibilityViolations(manager)).toEqual([]);
    expect(await smallTargets(manager)).toEqual([]);
    await manager.screenshot({ path: test.info().outputPath("room-settings-phone.png") });
    await manager.setViewportSize({ width: 820, height: 1180 });
    await expect(settings.getByRole("checkbox", { name: /Piotr Picker/ })).toBeChecked();
    await manager.screenshot({ path: test.info().outputPath("room-settings-tablet.png") });
    await settings.getByRole("button", { name: "Delete room" }).click();
    await settings.getByRole("button", { name: "Delete for everyone" }).click();
    await expect(manager).toHaveURL(/\/chats$/);
    await expect(manager.getByRole("link", { name: new RegExp(title) })).toHaveCount(0);
    await expect(picker.getByRole("link", { name: new RegExp(title) })).toHaveCount(0);
  });

  test("muting a chat from its details shows it muted and can be undone", async ({ browser }) => {
    const picker = await personaPage(browser, "picker");
    await picker.getByRole("link", { name: /Acme Logistics/ }).first().click();
    await picker.getByRole("button", { name: "Details" }).click();
    const details = picker.getByRole("dialog", { name: "Chat details" });
    await expect(details.getByRole("button", { name: "Leave chat" })).toHaveCount(0);
    await details.getByRole("button", { name: "Mute" }).click();
    await expect(details.getByRole("button", { name: "Unmute" })).toHaveAttribute("aria-pressed", "true");
    await details.getByRole("button", { name: "Unmute" }).click();
    await expect(details.getByRole("button", { name: "Mute" })).toHaveAttribute("aria-pressed", "false");
  });
});
