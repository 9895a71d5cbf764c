"use client";

import { forgetOtherUsersTimelines } from "~/lib/outbox/timelines";
import { API_CACHE, FILES_CACHE, PAGES_CACHE } from "./caches";
import { mustForget } from "./ownership";

/**
 * The browser remembers whose data it keeps, so that when someone else signs in, the last
 * person's cached pages, query answers, thumbnails and saved timelines are gone before the new
 * session shows anything, whether that person signed out or their session merely expired (the
 * service worker empties its caches only on an explicit sign-out, app/sw.ts). The outbox stays:
 * each item is bound to its writer (lib/outbox/store.ts).
 */
const OWNER_KEY = "floorchat-device-owner";

/** Whom the device keeps data for (null: unknown). */
export function keptFor(): string | null {
  try {
    return localStorage.getItem(OWNER_KEY);
  } catch {
    // Storage refused (private mode, quota): unknown, so everything is forgotten each time.
    return null;
  }
}

const listeners = new Set<() => void>();

/** Calls back when the device changes hands, in this tab or another (for useSyncExternalStore). */
export function subscribeToOwner(listener: () => void): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key === OWNER_KEY || event.key === null) listener();
  };
  listeners.add(listener);
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

/** Whether the data kept on this device is someone else's: true means claimDevice will wipe it. */
export function isKeptForSomeoneElse(userId: string): boolean {
  return mustForget(keptFor(), userId);
}

/** The device stops being the last person's: their notifications must not reach the next one. */
async function endPushSubscription(): Promise<void> {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.getRegistration("/");
  const subscription = await registration?.pushManager.getSubscription();
  await subscription?.unsubscribe();
}

/**
 * Makes the device `userId`'s: forgets what it kept for anyone else first. The owner is written
 * only once everything is gone, so an interrupted wipe runs again next time. True if it wiped.
 */
export async function claimDevice(userId: string): Promise<boolean> {
  if (!isKeptForSomeoneElse(userId)) return false;
  await Promise.all([
    ...(typeof caches === "undefined" ? [] : [PAGES_CACHE, API_CACHE, FILES_CACHE].map((name) => caches.delete(name))),
    forgetOtherUsersTimelines(userId),
    // Best effort: a push service that cannot be reached must not keep the next person out.
    endPushSubscription().catch(() => undefined),
  ]);
  try {
    localStorage.setItem(OWNER_KEY, userId);
  } catch {
    // See keptFor: without storage the next start wipes again, which is safe.
  }
  for (const listener of listeners) listener();
  return true;
}
