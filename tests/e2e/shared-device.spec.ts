import { type Page, expect, test } from "./test";
import { controlledByServiceWorker } from "./pages/checks";
import { ConversationPage } from "./pages/conversation-page";
import { CHAT_URL, ScanPage } from "./pages/scan-page";
import { SignInPage } from "./pages/sign-in-page";

// About the service worker: it runs here (the config blocks it elsewhere, tests/e2e/test.ts).
test.use({ serviceWorkers: "allow" });

const unique = (text: string) => `${text} ${Math.random().toString(36).slice(2, 7)}`;
/** An order nobody else's test opens: only the first person has its chat. */
const ORDER = "SO-10277";

/** What the service worker keeps for offline use (pages, query answers, thumbnails), as text. */
function cachedByWorker(page: Page) {
  return page.evaluate(async () => {
    const texts: string[] = [];
    for (const name of ["floorchat-pages", "floorchat-api", "floorchat-files"]) {
      if (!(await caches.has(name))) continue;
      const cache = await caches.open(name);
      for (const request of await cache.keys()) texts.push(request.url, (await (await cache.match(request))?.text()) ?? "");
    }
    return texts.join("\n");
  });
}

/** The chats' recent messages the page saved for offline use (lib/outbox/timelines.ts), as text. */
function savedTimelines(page: Page) {
  return page.evaluate(async () => {
    const timelines = await new Promise<unknown[]>((resolve, reject) => {
      const open = indexedDB.open("floorchat-offline");
      open.onsuccess = () => {
        const all = open.result.transaction("timelines").objectStore("timelines").getAll();
        all.onsuccess = () => resolve(all.result);
        all.onerror = () => reject(all.error ?? new Error("read failed"));
      };
    });
    return JSON.stringify(timelines);
  });
}

/** Everything the device keeps for offline use, as text. */
async function keptOnDevice(page: Page) {
  return (await cachedByWorker(page)) + (await savedTimelines(page));
}

/** The outbox as stored: who wrote each item, what, and whether it still waits. */
function outbox(page: Page) {
  return page.evaluate(
    () =>
      new Promise<{ userId: string; body: string; state: string }[]>((resolve, reject) => {
        const open = indexedDB.open("floorchat-offline");
        open.onsuccess = () => {
          const all = open.result.transaction("messages").objectStore("messages").getAll();
          all.onsuccess = () => resolve((all.result as { userId: string; body: string; state: string }[]).map(({ userId, body, state }) => ({ userId, body, state })));
          all.onerror = () => reject(all.error ?? new Error("read failed"));
        };
      }),
  );
}

async function myId(page: Page): Promise<string> {
  const me = (await (await page.request.get("/api/trpc/user.me")).json()) as { result: { data: { json: { id: string } } } };
  return me.result.data.json.id;
}

async function signInAs(page: Page, username: string) {
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(username);
  await expect(page).toHaveURL(/\/chats$/);
  await expect(page.getByRole("heading", { name: "Chats", level: 1 })).toBeVisible();
}

test("on a shared device the next person sees nothing the last one kept, and the last one's unsent message waits for its writer", async ({
  browser,
}) => {
  // One browser, as on a tablet that changes hands.
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();

  // Paula reads an order's chat: the device keeps it for offline use.
  await signInAs(page, "picker2");
  const paulaId = await myId(page);
  await controlledByServiceWorker(page);
  const scan = new ScanPage(page);
  await scan.goto();
  await scan.typeCode(ORDER);
  await expect(page).toHaveURL(CHAT_URL);
  const chatUrl = page.url();
  const read = unique("Paula's note on the order");
  await new ConversationPage(page).send(read);
  await page.goto("/chats");
  await page.goto(chatUrl);
  // Both in the saved timeline and in the worker's caches (the chat's answers), which an
  // expired session, unlike the sign-out button, does not empty.
  await expect.poll(() => savedTimelines(page), { timeout: 15_000 }).toContain(read);
  await expect.poll(() => cachedByWorker(page), { timeout: 15_000 }).toContain(read);

  // Offline, she writes one more; then her session ends without the sign-out button.
  await page.context().setOffline(true);
  const queued = unique("Paula's message written offline");
  await page.getByRole("textbox", { name: "Message" }).fill(queued);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.locator('[data-pending="true"]').filter({ hasText: queued })).toBeVisible();
  await context.clearCookies();
  await context.setOffline(false);

  // Dawid signs in on the same browser.
  await signInAs(page, "driver");
  await expect(page.getByRole("link", { name: new RegExp(ORDER) })).toHaveCount(0);
  await expect(page.getByText(read)).toHaveCount(0);
  const kept = await keptOnDevice(page);
  expect(kept).not.toContain(read);
  expect(kept).not.toContain(queued);
  expect(kept).not.toContain(paulaId);

  // His own message goes out: the outbox has run for him, and left Paula's alone.
  await page.getByRole("link", { name: /Acme Logistics/ }).first().click();
  await expect(page).toHaveURL(CHAT_URL);
  await new ConversationPage(page).send(unique("Dawid at dock 2"));
  await expect(page.locator('[data-pending="true"]')).toHaveCount(0);
  await expect(page.getByText(queued)).toHaveCount(0);
  expect(await outbox(page)).toEqual([{ userId: paulaId, body: queued, state: "pending" }]);

  // Paula is back: her message is sent, once, as hers.
  await context.clearCookies();
  await signInAs(page, "picker2");
  await expect.poll(() => outbox(page), { timeout: 15_000 }).toEqual([]);
  await page.goto(chatUrl);
  const conversation = new ConversationPage(page);
  await expect(conversation.message(queued)).toBeVisible();
  await page.reload();
  await expect(page.locator("li[data-seq]").filter({ hasText: queued })).toHaveCount(1);
  await expect(page.locator('[data-pending="true"]')).toHaveCount(0);
});
