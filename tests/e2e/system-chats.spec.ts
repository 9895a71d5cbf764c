import { type Page, expect, test } from "./test";
import { personaPage } from "./pages/conversation-page";

/** An API token made by the admin through the app (Admin → API tokens uses the same procedure). */
async function adminToken(admin: Page, scopes: string[]): Promise<string> {
  return admin.evaluate(async (scopes) => {
    const response = await fetch("/api/trpc/token.create", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ json: { name: "Warehouse bot", scopes } }),
    });
    const body = (await response.json()) as { result: { data: { json: { token: string } } } };
    return body.result.data.json.token;
  }, scopes);
}

test.describe("scripts in the app (PRODUCT.md C5, W2)", () => {
  test("a script's 'whoever takes it' request is taken by the first picker, and the other sees who took it live", async ({ browser, baseURL }) => {
    const admin = await personaPage(browser, "admin");
    const token = await adminToken(admin, ["chats:write"]);
    const response = await fetch(`${baseURL}/api/v1/system-chats`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ title: "Forklift needed", participants: ["picker", "picker2"], message: "Dock 4 needs a forklift now", takeable: true }),
    });
    expect(response.status).toBe(201);
    const { chatId } = (await response.json()) as { chatId: string };

    const picker = await personaPage(browser, "picker");
    const picker2 = await personaPage(browser, "picker2");
    await picker.goto(`/chats/${chatId}`);
    await picker2.goto(`/chats/${chatId}`);
    await expect(picker2.getByRole("button", { name: /Dock 4 needs a forklift now/ })).toBeVisible();
    await expect(picker2.getByText("Warehouse bot", { exact: true })).toBeVisible();
    // "Live" means the other picker's stream is up: a fresh page's stream starts from the moment
    // it connects, so a change made before that reaches the page only on its next load.
    await expect(picker2.getByText(/^Reconnecting/)).toHaveCount(0);
    await picker.getByRole("button", { name: "I'll take it" }).click();
    await expect(picker.getByText("You took it")).toBeVisible();
    await expect(picker2.getByText("Taken by Piotr Picker")).toBeVisible();
    await expect(picker2.getByRole("button", { name: "I'll take it" })).toHaveCount(0);
    await picker2.screenshot({ path: test.info().outputPath("take-request-phone.png") });
  });

  test("a record's status pushed by the host system shows as a line in its chat and in the open header, live", async ({ browser, baseURL }) => {
    const admin = await personaPage(browser, "admin");
    const token = await adminToken(admin, ["entities:write"]);
    const put = (status: string) =>
      fetch(`${baseURL}/api/v1/entities/order/SO-10033`, {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ title: "Order SO-10033", status }),
      });
    expect((await put("picking")).status).toBe(200);
    const manager = await personaPage(browser, "manager");
    await manager.goto("/scan");
    await manager.getByRole("textbox", { name: "Code" }).fill("SO-10033");
    await manager.getByRole("textbox", { name: "Code" }).press("Enter");
    await expect(manager).toHaveURL(/\/chats\/[0-9a-f-]{36}$/);
    const conversation = manager.getByRole("region", { name: "Order SO-10033" });
    const header = conversation.locator("header");
    await expect(header.getByText("picking", { exact: true })).toBeVisible();
    expect((await put("packed")).status).toBe(200);
    await expect(conversation.getByText("Status: picking → packed")).toBeVisible();
    await expect(header.getByText("packed", { exact: true })).toBeVisible();
  });
});
