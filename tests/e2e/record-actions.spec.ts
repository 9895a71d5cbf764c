import { expect, test } from "./test";
import { accessibilityViolations, keepScreenshots, smallTargets } from "./pages/checks";
import { ConversationPage } from "./pages/conversation-page";
import { signedInPage, startReceiver, trpcMutation, verifySignature } from "./pages/host";

test.describe("message to work (PRODUCT.md M9)", () => {
  test.slow();

  test("a picker adds a message of an order's chat as a task: the host system gets a signed message.action and the chat shows the confirmation", async ({
    browser,
    baseURL,
  }, testInfo) => {
    // An order no other test writes in (also under --repeat-each).
    const order = `SO-${10260 + testInfo.repeatEachIndex}`;
    const receiver = await startReceiver();
    const admin = await signedInPage(browser, baseURL!, "admin");
    const webhook = await trpcMutation<{ id: string; secret: string }>(admin.request, "webhook.create", { url: receiver.url, events: ["message.action"] });

    const picker = await signedInPage(browser, baseURL!, "picker");
    const chat = await trpcMutation<{ id: string }>(picker.request, "chat.openForEntity", { type: "order", key: order });
    await picker.goto(`/chats/${chat.id}`);
    const conversation = new ConversationPage(picker);
    const text = `Carton 3 of ${order} is crushed, re-pack before loading`;
    await conversation.send(text);

    const sheet = await conversation.openActions(text);
    await expect(sheet.getByRole("button", { name: "Add note to record" })).toBeVisible();
    expect(await accessibilityViolations(picker)).toEqual([]);
    expect(await smallTargets(picker)).toEqual([]);
    await keepScreenshots(picker, testInfo, "message-actions-record");
    await sheet.getByRole("button", { name: "Add task to record" }).click();

    const region = picker.getByRole("region", { name: new RegExp(`^${order} · `) });
    await expect(region.getByText(`Piotr Picker added a message to ${order} as a task`)).toBeVisible();
    const delivery = await receiver.next((d) => d.body.includes('"message.action"') && d.body.includes(order));
    expect(verifySignature(delivery.headers["x-floorchat-signature"] as string, delivery.body, webhook.secret)).toBe(true);
    expect(JSON.parse(delivery.body)).toMatchObject({
      event: "message.action",
      data: { action: "task", chat: { entity: { type: "order", key: order } }, message: { body: text }, by: { username: "picker" } },
    });

    // The same message is not sent twice as a task; the reason is shown.
    const again = await conversation.openActions(text);
    await again.getByRole("button", { name: "Add task to record" }).click();
    await expect(again.getByRole("alert")).toContainText("Piotr Picker already added this message as a task");

    await trpcMutation(admin.request, "webhook.delete", { id: webhook.id });
    await receiver.close();
  });
});
