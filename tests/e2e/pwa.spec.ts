import { randomBytes } from "node:crypto";
import { PRESENTATION, type Page, expect, test } from "./test";
import { accessibilityViolations, controlledByServiceWorker, horizontalOverflow, keepScreenshots, smallTargets } from "./pages/checks";
import { ChatListPage, personaPage } from "./pages/conversation-page";
import { trpcMutation } from "./pages/host";
import { trpcQuery } from "./pages/search-page";

// About the service worker: it runs here (the config blocks it elsewhere, tests/e2e/test.ts).
test.use({ serviceWorkers: "allow" });

const unique = (text: string) => `${text} ${Math.random().toString(36).slice(2, 7)}`;

/** Waits until the device keeps this chat's recent messages for offline use. */
async function timelineSaved(page: Page, text: string) {
  const saved = () =>
    page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const request = indexedDB.open("floorchat-offline");
          request.onsuccess = () => {
            const all = request.result.transaction("timelines").objectStore("timelines").getAll();
            all.onsuccess = () => resolve(JSON.stringify(all.result));
            all.onerror = () => resolve("");
          };
          request.onerror = () => resolve("");
        }),
    );
  await expect.poll(saved, { timeout: 15_000 }).toContain(text);
}

/** Waits until the worker's page cache holds this path (it fetches each visited page). */
async function pageCached(page: Page, path: string) {
  const cached = () => page.evaluate(async (p) => Boolean(await (await caches.open("floorchat-pages")).match(p)), path);
  await expect.poll(cached, { timeout: 15_000 }).toBe(true);
}

test.describe("installable app and offline use (PRODUCT.md W5)", () => {
  test("the manifest names the app, its icons and its shortcuts, and the service worker takes the page", async ({ page }) => {
    type Manifest = { name: string; icons: { src: string; sizes: string; purpose: string }[]; shortcuts: { url: string }[] };
    const manifest = (await (await page.request.get("/manifest.webmanifest")).json()) as Manifest;
    expect(manifest).toMatchObject({ name: "Floorchat", short_name: "Floorchat", display: "standalone", start_url: "/chats" });
    expect(manifest.icons.map((icon) => `${icon.sizes} ${icon.purpose}`)).toEqual([
      "192x192 any",
      "512x512 any",
      "512x512 maskable",
    ]);
    expect(manifest.shortcuts.map((shortcut) => shortcut.url)).toEqual(["/scan", "/manager"]);
    for (const icon of manifest.icons) expect((await page.request.get(icon.src)).headers()["content-type"]).toBe("image/png");

    await page.goto("/sign-in");
    await expect(page.locator('link[rel="manifest"]')).toHaveAttribute("href", "/manifest.webmanifest");
    await controlledByServiceWorker(page);
  });

  test("offline, a reload shows the app shell and the chat opened last, and says it is offline", async ({ browser }) => {
    const picker = await personaPage(browser, "picker");
    await controlledByServiceWorker(picker);
    const text = unique("Pallet 12 is wrapped");
    const chat = await new ChatListPage(picker).open(/Acme Logistics/);
    await chat.send(text);
    await pageCached(picker, new URL(picker.url()).pathname);
    await timelineSaved(picker, text);

    await picker.context().setOffline(true);
    await picker.reload();
    await expect(picker.getByRole("status").filter({ hasText: "Offline" })).toBeVisible();
    await expect(picker.getByRole("heading", { level: 1, name: /Acme Logistics/ })).toBeVisible();
    await expect(chat.message(text)).toBeVisible();
    await expect(picker.getByRole("navigation", { name: "Main" })).toBeVisible();
    await picker.context().close();
  });

  test("offline, three messages wait in the outbox across a reload and reach the manager exactly once, in order", async ({ browser }) => {
    const manager = await personaPage(browser, "manager");
    const picker = await personaPage(browser, "picker");
    await controlledByServiceWorker(picker);
    const before = unique("Before the dead zone");
    await (await new ChatListPage(picker).open(/Acme Logistics/)).send(before);
    await pageCached(picker, new URL(picker.url()).pathname);
    await timelineSaved(picker, before);
    const managerChat = await new ChatListPage(manager).open(/Acme Logistics/);
    await expect(managerChat.message(before)).toBeVisible();

    const texts = [1, 2, 3].map((n) => unique(`Aisle 9 count ${n}`));
    const pending = picker.locator('[data-pending="true"]');
    await picker.context().setOffline(true);
    for (const text of texts) {
      await picker.getByRole("textbox", { name: "Message" }).fill(text);
      await picker.getByRole("button", { name: "Send" }).click();
      await expect(pending.filter({ hasText: text })).toBeVisible();
    }
    await expect(picker.getByRole("status").filter({ hasText: "3 messages wait to be sent" })).toBeVisible();

    await picker.reload();
    await expect(pending).toHaveCount(3);
    await expect(pending).toHaveText(texts.map((text) => new RegExp(text)));
    await expect(picker.getByRole("status").filter({ hasText: "3 messages wait to be sent" })).toBeVisible();

    await picker.context().setOffline(false);
    await expect(pending).toHaveCount(0);
    for (const text of texts) await expect(managerChat.message(text)).toBeVisible();
    // Exactly once and in order, also as the server has them (a fresh load, not the live view).
    await manager.reload();
    // This test's own texts only: a repeated run leaves earlier "Aisle 9 count" lines in the chat.
    const sent = manager.locator("li[data-seq]").filter({ hasText: new RegExp(texts.join("|")) });
    await expect(managerChat.message(texts[2]!)).toBeVisible();
    expect((await sent.allInnerTexts()).map((line) => texts.find((text) => line.includes(text)))).toEqual(texts);
    await manager.context().close();
    await picker.context().close();
  });

  test("a push shows a notification for its chat, and tapping it opens that chat", async ({ browser }) => {
    const picker = await personaPage(browser, "picker");
    const context = picker.context();
    await context.grantPermissions(["notifications"]);
    await controlledByServiceWorker(picker);
    await new ChatListPage(picker).open(/Acme Logistics/);
    const chatUrl = picker.url();
    const chatId = new URL(chatUrl).pathname.split("/").at(-1)!;
    await picker.goto("/chats");

    const origin = new URL(chatUrl).origin;
    const cdp = await context.newCDPSession(picker);
    const registrationId = new Promise<string>((resolve) =>
      cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
        const ours = registrations.find((r) => r.scopeURL === `${origin}/` && !r.isDeleted);
        if (ours) resolve(ours.registrationId);
      }),
    );
    await cdp.send("ServiceWorker.enable");
    const payload = { chatId, title: "Acme Logistics", sender: "Mark Manager", body: "Dock 3 is free now", url: `/chats/${chatId}`, tag: `chat:${chatId}` };
    await cdp.send("ServiceWorker.deliverPushMessage", { origin, registrationId: await registrationId, data: JSON.stringify(payload) });

    const shown = () =>
      picker.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag })),
      );
    await expect.poll(shown).toEqual([{ title: "Acme Logistics", body: "Mark Manager: Dock 3 is free now", tag: `chat:${chatId}` }]);

    // A headless browser has no notification to tap: the worker's own click handler runs on
    // the notification it showed, as the system would call it.
    const worker = context.serviceWorkers().find((w) => w.url().includes("/serwist/sw.js"))!;
    await worker.evaluate(async () => {
      const scope = self as unknown as ServiceWorkerGlobalScope;
      const [notification] = await scope.registration.getNotifications();
      scope.dispatchEvent(new NotificationEvent("notificationclick", { notification: notification! }));
    });
    await expect(picker).toHaveURL(chatUrl);
    await expect(picker.getByRole("heading", { level: 1, name: /Acme Logistics/ })).toBeVisible();
    await context.close();
  });

  test("when the browser rotates the push subscription, the service worker tells the server: the device keeps its name at its new endpoint", async ({ browser }) => {
    const picker = await personaPage(browser, "picker");
    await controlledByServiceWorker(picker);
    // Keys as a browser gives them (base64url: a 65-byte point, a 16-byte secret); loopback endpoints are allowed in this suite.
    const key = (bytes: number) => randomBytes(bytes).toString("base64url");
    const keys = { p256dh: key(65), auth: key(16) };
    const run = randomBytes(4).toString("hex");
    const [oldEndpoint, newEndpoint] = [`https://127.0.0.1:9/push/old-${run}`, `https://127.0.0.1:9/push/new-${run}`];
    await trpcMutation(picker.request, "push.subscribe", { endpoint: oldEndpoint, keys, label: "Chrome · Android" });

    // A headless browser's push service never rotates anything: the worker gets the event as the browser would send it.
    const worker = picker.context().serviceWorkers().find((w) => w.url().includes("/serwist/sw.js"))!;
    await worker.evaluate(
      ({ oldEndpoint, newEndpoint, keys }) => {
        const event = new ExtendableEvent("pushsubscriptionchange");
        Object.assign(event, {
          oldSubscription: { endpoint: oldEndpoint, options: {} },
          newSubscription: { endpoint: newEndpoint, options: {}, toJSON: () => ({ endpoint: newEndpoint, keys }) },
        });
        self.dispatchEvent(event);
      },
      { oldEndpoint, newEndpoint, keys },
    );
    const devices = () => trpcQuery<{ endpoint: string; label: string }[]>(picker.request, "push.devices");
    await expect.poll(async () => (await devices()).filter((d) => d.endpoint.endsWith(run))).toEqual([expect.objectContaining({ endpoint: newEndpoint, label: "Chrome · Android" })]);
    await trpcMutation(picker.request, "push.unsubscribe", { endpoint: newEndpoint });
    await picker.context().close();
  });

  test("a message the server refuses shows as not sent with the reason, and is kept until discarded", async ({ browser }) => {
    const picker = await personaPage(browser, "picker");
    await new ChatListPage(picker).open(/Acme Logistics/);
    const chatId = new URL(picker.url()).pathname.split("/").at(-1)!;
    // Written on a device whose app had no length check: the server is the one that says no.
    const tooLong = `Inventory ${"x".repeat(10_001)}`;
    await picker.evaluate(
      async ({ chatId, body }) => {
        const me = (await (await fetch("/api/trpc/user.me")).json()) as { result: { data: { json: { id: string } } } };
        await new Promise<void>((resolve, reject) => {
          const open = indexedDB.open("floorchat-offline");
          open.onsuccess = () => {
            const tx = open.result.transaction("messages", "readwrite");
            tx.objectStore("messages").put({
              clientId: `refused-${Date.now()}`,
              userId: me.result.data.json.id,
              chatId,
              body,
              replyTo: null,
              createdAt: Date.now(),
              state: "pending",
              error: null,
            });
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error ?? new Error("write failed"));
          };
        });
      },
      { chatId, body: tooLong },
    );
    await picker.reload();
    const alert = picker.getByRole("alert").filter({ hasText: "Not sent: At most 10,000 characters" });
    await expect(alert).toBeVisible();
    await picker.reload();
    await expect(alert).toBeVisible();
    await alert.getByRole("button", { name: "Discard" }).click();
    await expect(alert).toHaveCount(0);
    await picker.reload();
    await expect(picker.getByRole("heading", { level: 1, name: /Acme Logistics/ })).toBeVisible();
    await expect(picker.getByRole("alert").filter({ hasText: "Not sent" })).toHaveCount(0);
    await picker.context().close();
  });

  test("after a first message the app offers push notifications once; Not now is remembered", async ({ browser }) => {
    const picker = await personaPage(browser, "picker");
    const chat = await new ChatListPage(picker).open(/Acme Logistics/);
    const offer = picker.getByRole("status").filter({ hasText: "Get a notification when someone answers" });
    await expect(offer).toHaveCount(0);
    await chat.send(unique("Is dock 2 free?"));
    await expect(offer).toBeVisible();
    await expect(offer.getByRole("button", { name: "Turn on notifications" })).toBeEnabled();
    await offer.getByRole("button", { name: "Not now" }).click();
    await expect(offer).toHaveCount(0);
    await picker.reload();
    await chat.send(unique("Anyone?"));
    await expect(offer).toHaveCount(0);
    await picker.context().close();
  });

  for (const colorScheme of ["light", "dark"] as const) {
    test(`in ${colorScheme} mode the offline banner, a waiting message, the push offer and Me's App section meet WCAG AA and have 48 px targets (screenshots kept)`, PRESENTATION, async ({
      browser,
    }, testInfo) => {
      const picker = await personaPage(browser, "picker", { colorScheme });
      await controlledByServiceWorker(picker);
      const chat = await new ChatListPage(picker).open(/Acme Logistics/);
      await chat.send(unique("Forklift 4 is charging"));
      await expect(picker.getByRole("button", { name: "Turn on notifications" })).toBeVisible();
      await picker.context().setOffline(true);
      await picker.getByRole("textbox", { name: "Message" }).fill(unique("Written in the cold store"));
      await picker.getByRole("button", { name: "Send" }).click();
      await expect(picker.getByRole("status").filter({ hasText: "1 message waits to be sent" })).toBeVisible();
      // The offer's buttons stay inside its card.
      const offer = await picker.getByRole("status").filter({ hasText: "Get a notification" }).boundingBox();
      const notNow = await picker.getByRole("button", { name: "Not now" }).boundingBox();
      expect(notNow!.x + notNow!.width).toBeLessThanOrEqual(offer!.x + offer!.width);
      expect(await accessibilityViolations(picker)).toEqual([]);
      expect(await smallTargets(picker)).toEqual([]);
      await keepScreenshots(picker, testInfo, `pwa-offline-${colorScheme}`);
      await picker.context().setOffline(false);
      await expect(picker.locator('[data-pending="true"]')).toHaveCount(0);

      await picker.getByRole("link", { name: "Me", exact: true }).click();
      await expect(picker.getByRole("heading", { name: "App", level: 2 })).toBeVisible();
      expect(await accessibilityViolations(picker)).toEqual([]);
      expect(await smallTargets(picker)).toEqual([]);
      await keepScreenshots(picker, testInfo, `pwa-me-${colorScheme}`);
      await picker.context().close();
    });
  }

  test("the offline page and the offline banner fit a 360 px phone in Polish", PRESENTATION, async ({ browser, baseURL }) => {
    const picker = await personaPage(browser, "picker");
    await picker.setViewportSize({ width: 360, height: 640 });
    await picker.context().addCookies([{ name: "locale", value: "pl", url: baseURL! }]);
    await picker.goto("/offline");
    await expect(picker.getByRole("heading", { name: "Jesteś offline", level: 1 })).toBeVisible();
    expect(await horizontalOverflow(picker)).toBe(0);
    expect(await smallTargets(picker)).toEqual([]);
    await picker.goto("/chats");
    await picker.context().setOffline(true);
    await expect(picker.getByRole("status").filter({ hasText: "Brak połączenia" })).toBeVisible();
    expect(await horizontalOverflow(picker)).toBe(0);
    await picker.context().close();
  });
});
