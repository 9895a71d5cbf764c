/// <reference lib="webworker" />
/**
 * Floorchat's service worker (Serwist): the app shell and the last opened chats offline, the
 * outbox sent by Background Sync, and Web Push notifications. Bundled by esbuild through
 * app/serwist/[path]/route.ts; it is not part of the Next bundle.
 */
import { CacheFirst, ExpirationPlugin, NetworkFirst, type PrecacheEntry, Serwist, type SerwistGlobalConfig, StaleWhileRevalidate } from "serwist";
import { flushOutbox, outboxClient } from "~/lib/outbox/send";
import { API_CACHE as API, FILES_CACHE as FILES, PAGES_CACHE as PAGES } from "~/lib/pwa/caches";
import { type SubscriptionChange, reportRotatedSubscription } from "~/lib/push/browser";
import type { PushPayload } from "~/server/services/push";

declare global {
  interface WorkerGlobalScope extends SerwistGlobalConfig {
    __SW_MANIFEST: (PrecacheEntry | string)[] | undefined;
  }
}

declare const self: ServiceWorkerGlobalScope;

const OFFLINE_PAGE = "/offline";
// A slow aisle connection should not keep a cached chat off the screen for long.
const NETWORK_TIMEOUT_S = 4;

/**
 * tRPC queries. Not message.list: the chat's timeline is kept by the page itself, with what
 * arrived live (lib/outbox/timelines.ts); an older cached answer would hide those messages.
 */
const isUserData = (pathname: string) => pathname.startsWith("/api/trpc/") && !pathname.startsWith("/api/trpc/message.list");

const serwist = new Serwist({
  precacheEntries: self.__SW_MANIFEST,
  // A new version waits for the person's "Reload" (components/pwa/update-banner.tsx): never a
  // silent swap in the middle of a task. The very first one takes the open page at once.
  skipWaiting: false,
  clientsClaim: true,
  navigationPreload: false,
  runtimeCaching: [
    {
      // Photo thumbnails: an id's bytes never change, so a kept copy serves at once and offline.
      matcher: ({ url, sameOrigin, request }) => sameOrigin && request.method === "GET" && /^\/api\/files\/[0-9a-f-]{36}\/thumb$/.test(url.pathname),
      handler: new CacheFirst({ cacheName: FILES, plugins: [new ExpirationPlugin({ maxEntries: 300, maxAgeSeconds: 7 * 24 * 3600 })] }),
    },
    {
      // tRPC queries (GET): what the last opened chats showed, for when the network is gone.
      matcher: ({ url, sameOrigin, request }) => sameOrigin && request.method === "GET" && isUserData(url.pathname),
      handler: new NetworkFirst({
        cacheName: API,
        networkTimeoutSeconds: NETWORK_TIMEOUT_S,
        plugins: [new ExpirationPlugin({ maxEntries: 300, maxAgeSeconds: 7 * 24 * 3600 })],
      }),
    },
    {
      // Pages and their React Server Component payloads.
      matcher: ({ url, sameOrigin, request }) =>
        sameOrigin &&
        !url.pathname.startsWith("/api/") &&
        // Page loads, in-app navigations (RSC), and pages the app asks to keep (CACHE_URLS).
        (request.mode === "navigate" || request.headers.get("RSC") === "1" || (request.headers.get("accept") ?? "").startsWith("text/html")),
      handler: new NetworkFirst({
        cacheName: PAGES,
        networkTimeoutSeconds: NETWORK_TIMEOUT_S,
        plugins: [new ExpirationPlugin({ maxEntries: 100, maxAgeSeconds: 7 * 24 * 3600 })],
      }),
    },
    {
      matcher: ({ url, sameOrigin }) => sameOrigin && (url.pathname.startsWith("/icons/") || url.pathname.startsWith("/wasm/")),
      handler: new StaleWhileRevalidate({ cacheName: "floorchat-assets" }),
    },
  ],
  fallbacks: {
    entries: [{ url: OFFLINE_PAGE, matcher: ({ request }) => request.mode === "navigate" }],
  },
});

/** Sign-out empties the per-user caches, and ends this device's push subscription, before the request goes on. */
serwist.registerCapture(
  ({ url, sameOrigin }) => sameOrigin && url.pathname === "/api/sign-out",
  async ({ request }) => {
    // The device stops being this person's: their notifications must not reach the next user.
    const subscription = await self.registration.pushManager.getSubscription().catch(() => null);
    await Promise.all([caches.delete(PAGES), caches.delete(API), caches.delete(FILES), subscription?.unsubscribe().catch(() => false)]);
    return fetch(request);
  },
  "POST",
);

serwist.addEventListeners();

/** The signed-in user, asked of the server: only their own outbox items may go out on this session. */
async function currentUserId(): Promise<string | null> {
  try {
    return (await outboxClient().user.me.query()).id;
  } catch {
    return null;
  }
}

type SyncEvent = ExtendableEvent & { tag: string; lastChance: boolean };

self.addEventListener("sync", (event) => {
  const sync = event as SyncEvent;
  if (sync.tag !== "outbox") return;
  sync.waitUntil(
    (async () => {
      const userId = await currentUserId();
      if (!userId) return;
      const { waiting } = await flushOutbox(userId);
      // A rejected promise asks the browser to try the sync again later.
      if (waiting && !sync.lastChance) throw new Error("The outbox still has messages waiting");
    })(),
  );
});

self.addEventListener("push", (event) => {
  let payload: PushPayload | null = null;
  try {
    const data: unknown = event.data ? event.data.json() : null;
    // A payload is only ever read field by field, each checked for its type.
    payload = data !== null && typeof data === "object" && !Array.isArray(data) ? (data as PushPayload) : null;
  } catch {
    payload = null;
  }
  // Every push shows a notification: a silent one is against the rules, and iOS revokes the
  // subscription after a few.
  const title = payload?.title ?? "Floorchat";
  const body = payload ? (payload.body ? (payload.sender ? `${payload.sender}: ${payload.body}` : payload.body) : (payload.sender ?? "")) : "";
  event.waitUntil(
    self.registration.showNotification(title, {
      body,
      tag: payload?.tag ?? (payload ? `chat:${payload.chatId}` : "floorchat"),
      // A second message in the same chat replaces the first notification but still alerts.
      renotify: Boolean(payload),
      icon: "/icons/icon-192.png",
      badge: "/icons/badge-96.png",
      data: { url: payload?.url ?? "/chats" },
    } as NotificationOptions),
  );
});

self.addEventListener("pushsubscriptionchange" as keyof ServiceWorkerGlobalScopeEventMap, (event) => {
  const change = event as ExtendableEvent & SubscriptionChange;
  const client = outboxClient();
  change.waitUntil(
    reportRotatedSubscription(self.registration.pushManager, change, {
      publicKey: async () => (await client.push.vapidPublicKey.query()).publicKey,
      resubscribe: (input) => client.push.resubscribe.mutate(input),
    }).catch(() => {
      // Signed out or offline: Me → Notifications shows this device as off, and turning it on
      // again subscribes it afresh.
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  // Only a page of this app: a notification's data must never send a person to another site.
  const url = (event.notification.data as { url?: unknown } | null)?.url;
  const parsed = typeof url === "string" && url.startsWith("/") && !url.startsWith("//") ? new URL(url, self.location.origin) : null;
  const target = parsed?.origin === self.location.origin ? parsed : new URL("/chats", self.location.origin);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const open = windows.find((client) => new URL(client.url).pathname === target.pathname) ?? windows[0];
      if (!open) return void (await self.clients.openWindow(target.href));
      if (new URL(open.url).pathname !== target.pathname) await open.navigate(target.href);
      await open.focus().catch(() => undefined);
    })(),
  );
});
