"use client";

import type { MessageDto } from "~/contracts/messages";
import { flushOutbox } from "./send";

/**
 * When the page sends what waits in the outbox: at once after a message is written, when the
 * connection comes back, when the app returns to the foreground, and on a backoff timer while
 * something still waits. The service worker's Background Sync covers a closed app.
 */
type Runner = { userId: string; onSent: (message: MessageDto) => void };

let runner: Runner | null = null;
let running: Promise<void> | null = null;
let again = false;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let retryDelay = 2_000;
const MAX_RETRY_DELAY = 60_000;

export function startOutbox(next: Runner): () => void {
  runner = next;
  const flush = () => requestFlush();
  const onVisible = () => {
    if (!document.hidden) requestFlush();
  };
  window.addEventListener("online", flush);
  document.addEventListener("visibilitychange", onVisible);
  requestFlush();
  return () => {
    window.removeEventListener("online", flush);
    document.removeEventListener("visibilitychange", onVisible);
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    if (runner === next) runner = null;
  };
}

/** Sends what waits, now; a request during a flush runs one more flush after it. */
export function requestFlush(): void {
  if (!runner) return;
  if (running) {
    again = true;
    return;
  }
  const { userId, onSent } = runner;
  running = (async () => {
    try {
      const { waiting } = await flushOutbox(userId, onSent);
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      if (waiting) {
        await askForBackgroundSync();
        // Offline, the online event will come; online but refused by a busy server, back off.
        if (navigator.onLine) {
          retryTimer = setTimeout(requestFlush, retryDelay);
          retryDelay = Math.min(retryDelay * 2, MAX_RETRY_DELAY);
        }
      } else {
        retryDelay = 2_000;
      }
    } catch (error) {
      console.error("[outbox] flush failed:", error);
    } finally {
      running = null;
      if (again) {
        again = false;
        requestFlush();
      }
    }
  })();
}

type SyncRegistration = ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } };

/** Lets the service worker send the outbox even if the app is closed before the network returns. */
async function askForBackgroundSync(): Promise<void> {
  if (!("serviceWorker" in navigator) || !navigator.serviceWorker.controller) return;
  const registration = (await navigator.serviceWorker.ready) as SyncRegistration;
  await registration.sync?.register("outbox").catch(() => undefined);
}
