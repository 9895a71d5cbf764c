import { type TestInfo, expect, test } from "./test";
import { accessibilityViolations, keepScreenshots, smallTargets } from "./pages/checks";
import { ApiPersona, ManagerPage, signInAs } from "./pages/manager-page";

/**
 * An order record used only by one test of this file, so tests running side by side never answer
 * each other's chats (also under --repeat-each).
 */
function orderFor(testInfo: TestInfo, slot: 0 | 1 | 2) {
  return `SO-${10250 + slot + 3 * testInfo.repeatEachIndex}`;
}

for (const scheme of ["light", "dark"] as const) {
  test.describe(`the Manager view in ${scheme} mode`, () => {
    test.use({ colorScheme: scheme });

    test("the manager answers a waiting chat with a quick-reply chip and the chat leaves the queue", async ({
      page,
      playwright,
      baseURL,
    }, testInfo) => {
      const order = orderFor(testInfo, scheme === "light" ? 0 : 1);
      await signInAs(page, "manager");
      // page.request shares the page's cookies: this is the manager joining the order's chat.
      const manager = new ApiPersona(page.request);
      const chatId = await manager.openOrderChat(order);

      const queue = new ManagerPage(page);
      await queue.tab().click();
      await expect(queue.heading()).toBeVisible();

      // The picker writes while the manager looks at the queue: the chat appears live.
      const picker = await ApiPersona.signedIn(playwright, baseURL!, "picker");
      await picker.openOrderChat(order);
      await picker.send(chatId, "Can I fill 12 as 2 packs of 6?");
      await expect(queue.item(order)).toContainText("Can I fill 12 as 2 packs of 6?");
      await expect(queue.item(order)).toContainText(/Waiting (less than a minute|\d+ minutes?)/);

      await queue.expand(order);
      await expect(queue.chip(order, "Yes")).toBeVisible();
      await expect(queue.openChat(order)).toHaveAttribute("href", `/chats/${chatId}`);
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(await smallTargets(page)).toEqual([]);
      await keepScreenshots(page, testInfo, "manager-expanded");

      await queue.chip(order, "Approved").click();
      await expect(queue.item(order)).toHaveCount(0);
      await expect(queue.notice()).toHaveText(`Sent “Approved” to Order ${order}.`);

      const messages = await picker.messages(chatId);
      expect(messages.at(-1)).toMatchObject({ sender: { name: "Marta Manager" }, body: "Approved" });
      await picker.dispose();
    });
  });
}

test.describe("the Manager view", () => {
  test("a quick reply that fails to send brings the chat back with an error, and Send again delivers it once", async ({
    page,
    playwright,
    baseURL,
  }, testInfo) => {
    const order = orderFor(testInfo, 2);
    await signInAs(page, "manager2");
    const manager = new ApiPersona(page.request);
    const chatId = await manager.openOrderChat(order);
    const picker = await ApiPersona.signedIn(playwright, baseURL!, "picker2");
    await picker.openOrderChat(order);
    await picker.send(chatId, "Pallet is damaged. Ship it anyway?");
    const waitReplies = async () => (await picker.messages(chatId)).filter((m) => m.body === "Wait 5 min").length;
    const repliesBefore = await waitReplies();

    const queue = new ManagerPage(page);
    await queue.goto();
    await queue.expand(order);
    await page.route("**/api/trpc/message.send*", (route) => route.abort("internetdisconnected"));
    await queue.chip(order, "Wait 5 min").click();
    await expect(queue.sendFailure(order)).toContainText("“Wait 5 min” was not sent.");
    await expect(queue.toggle(order)).toHaveAttribute("aria-expanded", "true");
    expect(await accessibilityViolations(page)).toEqual([]);
    await keepScreenshots(page, testInfo, "manager-send-failed");

    await page.unroute("**/api/trpc/message.send*");
    await queue.sendAgain(order).click();
    await expect(queue.item(order)).toHaveCount(0);
    // The item leaves at once (optimistic); the message lands when the send completes.
    await expect.poll(waitReplies).toBe(repliesBefore + 1);
    await picker.dispose();
  });

  test("a worker has no Manager tab and /manager sends them to their chats", async ({ page }) => {
    await signInAs(page, "picker");
    const queue = new ManagerPage(page);
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Chats" })).toBeVisible();
    await expect(queue.tab()).toHaveCount(0);

    await page.goto("/manager");
    await expect(page).toHaveURL(/\/chats$/);
    await expect(queue.heading()).toHaveCount(0);
  });
});
