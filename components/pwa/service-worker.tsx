"use client";

import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { listenForInstallPrompt } from "~/lib/install-prompt";
import { PAGES_CACHE } from "~/lib/pwa/caches";
import styles from "./pwa.module.css";

type Waiting = { reload: () => void };

/**
 * Registers the service worker (app/sw.ts) once the page has loaded, and offers a new version
 * with a "Reload" banner rather than swapping it in mid-task. Service workers exist only in a
 * secure context (https, or localhost): over plain http on a LAN the app runs without one, and
 * the outbox still works from the page.
 */
export function ServiceWorker() {
  const t = useTranslations("pwa.update");
  const [waiting, setWaiting] = useState<Waiting | null>(null);

  useEffect(listenForInstallPrompt, []);

  useEffect(() => {
    if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
    let cancelled = false;
    const register = async () => {
      // Loaded after the page: registering is never in the way of the first paint.
      const { Serwist } = await import("@serwist/window");
      if (cancelled) return;
      const serwist = new Serwist("/serwist/sw.js", { scope: "/", type: "classic" });
      serwist.addEventListener("waiting", () =>
        setWaiting({
          reload: () => {
            // Reload once the new worker controls the page, so the page and worker match.
            serwist.addEventListener("controlling", () => window.location.reload());
            serwist.messageSkipWaiting();
          },
        }),
      );
      await serwist.register();
    };
    const start = () => void register().catch((error: unknown) => console.error("[sw] registration failed:", error));
    if (document.readyState === "complete") start();
    else window.addEventListener("load", start, { once: true });
    return () => {
      cancelled = true;
      window.removeEventListener("load", start);
    };
  }, []);

  // A page reached by an in-app link was never fetched as a document, so the worker fetches it
  // now: opened once online, it opens again offline. Only once per page: a full load of it
  // refreshes the copy anyway, and a second server render on every tap would be wasted.
  const pathname = usePathname();
  useEffect(() => {
    const worker = navigator.serviceWorker?.controller;
    if (!worker || !navigator.onLine) return;
    void caches
      .open(PAGES_CACHE)
      .then((cache) => cache.match(pathname))
      .then((cached) => {
        if (!cached) worker.postMessage({ type: "CACHE_URLS", payload: { urlsToCache: [[pathname, { headers: { accept: "text/html" } }]] } });
      })
      .catch(() => undefined);
  }, [pathname]);

  if (!waiting) return null;
  return (
    <div className={styles.update} role="status">
      <span>{t("ready")}</span>
      <div className={styles.updateActions}>
        <button type="button" className="button button-primary" onClick={waiting.reload}>
          {t("reload")}
        </button>
        <button type="button" className="button button-quiet" onClick={() => setWaiting(null)}>
          {t("later")}
        </button>
      </div>
    </div>
  );
}
