import { type Page, type TestInfo, expect, test } from "./test";
import { accessibilityViolations, horizontalOverflow, keepScreenshots, smallTargets } from "./pages/checks";
import { signedInPage, startReceiver, trpcMutation, verifySignature } from "./pages/host";

/** A record used only by this file's tests (also under --repeat-each). */
function orderFor(testInfo: TestInfo, slot: 0 | 1) {
  return `SO-${10280 + slot + 2 * testInfo.repeatEachIndex}`;
}

test.describe("approvals (PRODUCT.md W4)", () => {
  // Three people in three browsers, with accessibility checks and screenshots: more than the
  // default 30 s on a busy machine, though no step waits on a clock.
  test.slow();

  test("two managers approve from the Manager view with one tap each; both cards turn Approved live, the record's chip clears and a signed approval.resolved arrives", async ({
    browser,
    baseURL,
  }, testInfo) => {
    const order = orderFor(testInfo, 0);
    const receiver = await startReceiver();
    const admin = await signedInPage(browser, baseURL!, "admin");
    const webhook = await trpcMutation<{ secret: string }>(admin.request, "webhook.create", { url: receiver.url, events: ["approval.resolved"] });

    // Both managers look at their Manager view before the request exists: it arrives live.
    const marta = await signedInPage(browser, baseURL!, "manager");
    const tomasz = await signedInPage(browser, baseURL!, "manager2");
    for (const page of [marta, tomasz]) {
      await page.goto("/manager");
      await expect(page.getByRole("heading", { name: "Waiting for a reply", level: 1 })).toBeVisible();
    }
    await admin.goto("/chats");
    await expect(admin.getByRole("heading", { name: "Chats", level: 1 })).toBeVisible();

    const request = await trpcMutation<{ id: string; chatId: string }>(admin.request, "approval.request", {
      record: { type: "order", key: order },
      approvers: { group: "Managers", count: 2 },
      message: `Ship ${order} as 2 packs of 6 instead of 12 singles?`,
    });

    const itemFor = (page: Page) => page.getByTestId("approval-item").filter({ hasText: order });
    for (const page of [marta, tomasz]) {
      await expect(page.getByRole("heading", { name: "Approvals waiting for you", level: 2 })).toBeVisible();
      await expect(itemFor(page)).toContainText("Waiting for approval");
      await expect(itemFor(page)).toContainText("Needs 2 of Managers");
      await expect(itemFor(page)).toContainText("0 of 2 approved");
      await expect(itemFor(page)).toContainText("Asked by Ada Admin");
      await expect(itemFor(page).getByRole("link", { name: /^Open chat/ })).toHaveAttribute("href", `/chats/${request.chatId}`);
    }
    expect(await accessibilityViolations(marta)).toEqual([]);
    expect(await smallTargets(marta)).toEqual([]);
    await keepScreenshots(marta, testInfo, "approvals-manager-pending");

    // The record's row in the admin's chat list shows the pending approval.
    const row = admin.getByRole("link", { name: new RegExp(order) });
    await expect(row.getByTestId("approval-chip")).toHaveText("Approval pending");
    await row.click();
    const adminCard = admin.getByRole("group", { name: "Approval request" });
    await expect(adminCard).toContainText("0 of 2 approved");
    // The requester is not an approver: no buttons for them.
    await expect(adminCard.getByRole("button", { name: "Approve" })).toHaveCount(0);

    await itemFor(marta).getByRole("button", { name: "Approve" }).click();
    await expect(itemFor(marta)).toContainText("You approved.");
    await expect(itemFor(marta)).toContainText("1 of 2 approved");
    await expect(itemFor(marta).getByRole("button", { name: "Approve" })).toHaveCount(0);
    // Tomasz and the admin see Marta's vote without reloading.
    await expect(itemFor(tomasz)).toContainText("Marta Manager approved");
    await expect(itemFor(tomasz)).toContainText("1 of 2 approved");
    await expect(adminCard).toContainText("1 of 2 approved");

    await itemFor(tomasz).getByRole("button", { name: "Approve" }).click();
    for (const page of [marta, tomasz]) {
      await expect(itemFor(page)).toContainText("Approved");
      await expect(itemFor(page)).toContainText("2 of 2 approved");
      await expect(itemFor(page)).not.toContainText("Waiting for approval");
    }
    await expect(adminCard).toContainText("Approved");
    await expect(admin.getByText("Approved by Marta Manager and Tomasz Nowak", { exact: true })).toBeVisible();
    await expect(admin.locator("header").getByTestId("approval-chip")).toHaveCount(0);
    expect(await accessibilityViolations(admin)).toEqual([]);
    await keepScreenshots(admin, testInfo, "approvals-chat-approved");

    const delivery = await receiver.next((d) => (JSON.parse(d.body) as { data: { id: string } }).data.id === request.id);
    const signature = String(delivery.headers["x-floorchat-signature"]);
    expect(verifySignature(signature, delivery.body, webhook.secret)).toBe(true);
    expect(verifySignature(signature, delivery.body, "whsec_someone-else")).toBe(false);
    expect(JSON.parse(delivery.body)).toMatchObject({
      event: "approval.resolved",
      data: { id: request.id, state: "approved", record: { type: "order", key: order }, approvedCount: 2 },
    });

    await receiver.close();
    for (const page of [admin, marta, tomasz]) await page.context().close();
  });

  test("in Polish at 360 px and dark, an approver rejects from the chat's card after confirming, with a reason, and the card says Rejected", async ({
    browser,
    baseURL,
  }, testInfo) => {
    const order = orderFor(testInfo, 1);
    const admin = await signedInPage(browser, baseURL!, "admin");
    const request = await trpcMutation<{ id: string; chatId: string }>(admin.request, "approval.request", {
      record: { type: "order", key: order },
      approvers: ["manager"],
      message: `Odpisać 3 uszkodzone kartony z ${order}?`,
      expiresInMinutes: 120,
    });
    await admin.context().close();

    const marta = await signedInPage(browser, baseURL!, "manager", { colorScheme: "dark", locale: "pl", width: 360 });
    await marta.goto("/chats");
    const row = marta.getByRole("link", { name: new RegExp(order) });
    await expect(row.getByTestId("approval-chip")).toHaveText("Do akceptacji");
    await row.click();
    await expect(marta).toHaveURL(new RegExp(`/chats/${request.chatId}$`));

    const card = marta.getByRole("group", { name: "Prośba o akceptację" });
    await expect(card).toContainText("Czeka na akceptację");
    await expect(card).toContainText("Akceptują: Ty");
    await expect(card).toContainText("Wygasa");
    await expect(card).toContainText("Głos jest ostateczny");
    expect(await horizontalOverflow(marta)).toBe(0);
    expect(await accessibilityViolations(marta)).toEqual([]);
    expect(await smallTargets(marta)).toEqual([]);
    await keepScreenshots(marta, testInfo, "approvals-chat-pending-pl-dark");

    await card.getByRole("button", { name: "Odrzuć", exact: true }).click();
    await expect(card).toContainText("Odrzucić tę prośbę?");
    await expect(card.getByRole("textbox", { name: "Powód (opcjonalnie)" })).toBeFocused();
    await card.getByRole("textbox", { name: "Powód (opcjonalnie)" }).fill("Klient chce całe kartony");
    expect(await smallTargets(marta)).toEqual([]);
    await card.getByRole("button", { name: "Odrzuć prośbę" }).click();

    await expect(card).toContainText("Odrzucono");
    await expect(card).toContainText("Ty: odrzucenie");
    await expect(card).toContainText("Klient chce całe kartony");
    await expect(card.getByRole("button")).toHaveCount(0);
    await expect(marta.locator("header").getByTestId("approval-chip")).toHaveCount(0);
    expect(await horizontalOverflow(marta)).toBe(0);
    expect(await accessibilityViolations(marta)).toEqual([]);
    await keepScreenshots(marta, testInfo, "approvals-chat-rejected-pl-dark");
    await marta.context().close();
  });
});
