import { type Page, expect, test } from "./test";
import sharp from "sharp";
import { accessibilityViolations, controlledByServiceWorker, horizontalOverflow, keepScreenshots, smallTargets } from "./pages/checks";
import { ChatListPage, type ConversationPage, personaPage } from "./pages/conversation-page";

const COMPANY = /Acme Logistics/;
const unique = (text: string) => `${text}-${Math.random().toString(36).slice(2, 7)}`;

type Upload = { name: string; mimeType: string; buffer: Buffer };

/** Attaches through the Attach button's file chooser, as a person does. */
async function attach(chat: ConversationPage, file: Upload) {
  const chooser = chat.page.waitForEvent("filechooser");
  await chat.page.getByRole("button", { name: "Attach files" }).click();
  await (await chooser).setFiles(file);
}

/** Whether the image has been fetched and decoded (a broken or refused one has no width). */
const naturalWidth = (page: Page, selector: ReturnType<Page["getByRole"]>) => () =>
  selector.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)).catch(() => 0);

test.describe("photos and files (phone)", () => {
  test("a photo attached through the file input shows as a thumbnail for the sender and, live, for the manager, who opens it full screen", async ({
    browser,
  }, testInfo) => {
    const picker = await personaPage(browser, "picker");
    const manager = await personaPage(browser, "manager");
    await new ChatListPage(manager).open(COMPANY);
    const pickerChat = await new ChatListPage(picker).open(COMPANY);

    const name = `${unique("pallet-damage")}.jpg`;
    const photo = await sharp({ create: { width: 1200, height: 900, channels: 3, background: "#c77d1a" } }).jpeg().toBuffer();
    await attach(pickerChat, { name, mimeType: "image/jpeg", buffer: photo });
    const row = picker.getByRole("listitem").filter({ hasText: name });
    await expect(row).toContainText("Ready to send");
    await expect(picker.getByRole("button", { name: `Remove ${name}` })).toBeVisible();
    await keepScreenshots(picker, testInfo, "draft-with-photo");
    expect(await smallTargets(picker)).toEqual([]);

    const caption = unique("Crushed corner, dock 3");
    await pickerChat.composer().fill(caption);
    await pickerChat.sendButton().click();

    const own = picker.getByRole("img", { name, exact: true });
    await expect(own).toBeVisible();
    await expect.poll(naturalWidth(picker, own)).toBeGreaterThan(0);
    await expect(pickerChat.message(caption)).toBeVisible();

    const thumb = manager.getByRole("button", { name: `Open photo ${name}` });
    await expect(thumb).toBeVisible();
    await expect.poll(naturalWidth(manager, thumb.getByRole("img"))).toBeGreaterThan(0);
    await keepScreenshots(manager, testInfo, "photo-in-chat");
    expect(await accessibilityViolations(manager)).toEqual([]);
    expect(await smallTargets(manager)).toEqual([]);
    expect(await horizontalOverflow(manager)).toBeLessThanOrEqual(0);

    await thumb.click();
    const viewer = manager.getByRole("dialog", { name: `Photo ${name}` });
    await expect(viewer).toBeVisible();
    const full = viewer.getByRole("img", { name, exact: true });
    // The full image, not the thumbnail: 1200 px wide as uploaded.
    await expect.poll(naturalWidth(manager, full)).toBe(1200);
    await keepScreenshots(manager, testInfo, "photo-viewer");
    expect(await accessibilityViolations(manager)).toEqual([]);
    await viewer.getByRole("button", { name: "Zoom in" }).click();
    await expect(viewer.getByRole("button", { name: "Fit to screen" })).toHaveAttribute("aria-pressed", "true");
    await manager.keyboard.press("Escape");
    await expect(viewer).toBeHidden();
  });

  test("a file named .png that is really HTML is refused with the server's reason and can be removed; Send stays off", async ({ browser }, testInfo) => {
    const picker = await personaPage(browser, "picker", { colorScheme: "dark" });
    const chat = await new ChatListPage(picker).open(COMPANY);
    const name = `${unique("invoice")}.png`;
    await attach(chat, { name, mimeType: "image/png", buffer: Buffer.from("<!doctype html><html><script>alert(1)</script></html>") });
    const alert = picker.getByRole("alert").filter({ hasText: name });
    await expect(alert).toContainText("This file is HTML, not an image");
    await expect(chat.sendButton()).toBeDisabled();
    await keepScreenshots(picker, testInfo, "refused-file-dark");
    expect(await smallTargets(picker)).toEqual([]);
    await picker.getByRole("button", { name: `Remove ${name}` }).click();
    await expect(alert).toBeHidden();
  });

  test("a CSV is sent as a file row with its name, size and a download link", async ({ browser }) => {
    const picker = await personaPage(browser, "picker");
    const chat = await new ChatListPage(picker).open(COMPANY);
    const name = `${unique("stock-count")}.csv`;
    await attach(chat, { name, mimeType: "text/csv", buffer: Buffer.from("sku,qty\nA-1,12\n") });
    await expect(picker.getByRole("listitem").filter({ hasText: name })).toContainText("Ready to send");
    // No caption: a file alone is a message.
    await chat.sendButton().click();
    const link = picker.getByRole("link", { name: `Download ${name}` });
    await expect(link).toBeVisible();
    await expect(link).toHaveAttribute("href", /^\/api\/files\/[0-9a-f-]{36}$/);
    const response = await picker.request.get((await link.getAttribute("href"))!);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-disposition"]).toMatch(/^attachment;/);
    expect(response.headers()["x-content-type-options"]).toBe("nosniff");
  });

  test.describe("offline", () => {
    // Offline, the page loads only what the service worker kept (the config blocks it elsewhere).
    test.use({ serviceWorkers: "allow" });

    test("a photo chosen offline waits in the outbox with its message and goes out, file and all, when the network returns", async ({ browser }) => {
      const picker = await personaPage(browser, "picker");
      const chat = await new ChatListPage(picker).open(COMPANY);
      // Offline, the page can load only the scripts the service worker has already kept.
      await controlledByServiceWorker(picker);
      await picker.context().setOffline(true);

      const name = `${unique("offline-photo")}.png`;
      const photo = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#1b6e3a" } }).png().toBuffer();
      await attach(chat, { name, mimeType: "image/png", buffer: photo });
      await expect(picker.getByRole("listitem").filter({ hasText: name })).toContainText("Sends when you are back online");
      const caption = unique("Written in the freezer aisle");
      await chat.composer().fill(caption);
      await chat.sendButton().click();
      const waiting = picker.locator("[data-pending='true']").filter({ hasText: caption });
      await expect(waiting).toContainText(name);
      await expect(waiting.locator("[data-receipt='pending']")).toBeAttached();

      await picker.context().setOffline(false);
      const thumb = picker.getByRole("button", { name: `Open photo ${name}` });
      await expect(thumb).toBeVisible();
      await expect.poll(naturalWidth(picker, thumb.getByRole("img"))).toBeGreaterThan(0);
      await expect(waiting).toHaveCount(0);
    });
  });

  test("files dropped on the conversation or pasted into the message box join the draft and upload, as on a desktop", async ({ browser }) => {
    const picker = await personaPage(browser, "picker");
    const chat = await new ChatListPage(picker).open(COMPANY);
    const dropped = `${unique("dropped")}.csv`;
    const pasted = `${unique("pasted")}.txt`;
    // Synthetic events carrying real File objects: what a drag from the desktop or a paste delivers.
    const carrying = (name: string, type: string) =>
      picker.evaluateHandle(
        ([fileName, fileType]) => {
          const data = new DataTransfer();
          data.items.add(new File(["sku,qty\nA-1,12\n"], fileName, { type: fileType }));
          return data;
        },
        [name, type] as const,
      );
    await picker.locator("section").first().dispatchEvent("drop", { dataTransfer: await carrying(dropped, "text/csv") });
    await expect(picker.getByRole("listitem").filter({ hasText: dropped })).toContainText("Ready to send");

    const clipboard = await carrying(pasted, "text/plain");
    await chat.composer().evaluate((box, data) => box.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true })), clipboard);
    await expect(picker.getByRole("listitem").filter({ hasText: pasted })).toContainText("Ready to send");
    await expect(chat.composer()).toHaveValue("");

    await chat.sendButton().click();
    await expect(picker.getByRole("link", { name: `Download ${dropped}` })).toBeVisible();
    await expect(picker.getByRole("link", { name: `Download ${pasted}` })).toBeVisible();
  });
});
