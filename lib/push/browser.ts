/**
 * The browser's side of Web Push: the service worker's push subscription for this origin. The
 * service worker itself (app/sw.ts) is registered elsewhere at scope "/".
 */

/** How long to wait for the service worker before telling the person it did not start. */
const READY_TIMEOUT_MS = 10_000;

export function isPushSupported(): boolean {
  return typeof window !== "undefined" && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function isSameKey(subscription: PushSubscription, publicKey: string): boolean {
  const current = subscription.options.applicationServerKey;
  if (!current) return true;
  const wanted = keyBytes(publicKey);
  const have = new Uint8Array(current);
  return have.length === wanted.length && have.every((byte, i) => byte === wanted[i]);
}

/**
 * This browser's subscription, if it is one the server can still use. One made with another
 * server key (the keys were replaced) can never be delivered to, so it is dropped.
 */
export async function currentSubscription(publicKey: string): Promise<PushSubscription | null> {
  const registration = await navigator.serviceWorker.getRegistration("/");
  const subscription = (await registration?.pushManager.getSubscription()) ?? null;
  if (subscription && !isSameKey(subscription, publicKey)) {
    await subscription.unsubscribe();
    return null;
  }
  return subscription;
}

/** Asks for permission (the browser's prompt) and subscribes; call it from a tap. */
export async function subscribeThisBrowser(publicKey: string): Promise<PushSubscription> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const registration = await Promise.race([
    navigator.serviceWorker.ready,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("The service worker did not start")), READY_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
  const existing = await registration.pushManager.getSubscription();
  if (existing && !isSameKey(existing, publicKey)) await existing.unsubscribe();
  return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
}

export function subscriptionInput(subscription: PushSubscription, label: string) {
  const { keys } = subscription.toJSON();
  return { endpoint: subscription.endpoint, keys: { p256dh: keys?.p256dh ?? "", auth: keys?.auth ?? "" }, label };
}

/** What `pushsubscriptionchange` carries (not in TypeScript's DOM types). */
export type SubscriptionChange = { oldSubscription?: PushSubscription | null; newSubscription?: PushSubscription | null };

/**
 * The push service replaced this device's subscription (they rotate them; the service worker
 * hears it as `pushsubscriptionchange`): the server is told the new endpoint in place of the old,
 * or notifications stop reaching the device without anyone noticing. When the browser hands over
 * no new subscription, one is made with the old one's key, or the server's.
 */
export async function reportRotatedSubscription(
  pushManager: PushManager,
  change: SubscriptionChange,
  server: {
    publicKey: () => Promise<string>;
    resubscribe: (input: { oldEndpoint: string | null; subscription: { endpoint: string; keys: { p256dh: string; auth: string } } }) => Promise<unknown>;
  },
): Promise<void> {
  const old = change.oldSubscription ?? null;
  const next =
    change.newSubscription ??
    (await pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: old?.options.applicationServerKey ?? keyBytes(await server.publicKey()) }));
  const { endpoint, keys } = subscriptionInput(next, "");
  await server.resubscribe({ oldEndpoint: old?.endpoint ?? null, subscription: { endpoint, keys } });
}

/** "Chrome · Android": enough to tell one's devices apart, and the same in every language. */
export function deviceLabel(userAgent: string): string {
  const browser =
    /Edg\//.test(userAgent) ? "Edge"
    : /SamsungBrowser\//.test(userAgent) ? "Samsung Internet"
    : /Firefox\//.test(userAgent) ? "Firefox"
    : /Chrome\/|CriOS\//.test(userAgent) ? "Chrome"
    : /Safari\//.test(userAgent) ? "Safari"
    : "Browser";
  const system =
    /Android/.test(userAgent) ? "Android"
    : /iPhone/.test(userAgent) ? "iPhone"
    : /iPad/.test(userAgent) ? "iPad"
    : /Windows/.test(userAgent) ? "Windows"
    : /Mac OS X/.test(userAgent) ? "macOS"
    : /CrOS/.test(userAgent) ? "ChromeOS"
    : /Linux/.test(userAgent) ? "Linux"
    : null;
  return system ? `${browser} · ${system}` : browser;
}
