"use client";

import { useTranslations } from "next-intl";
import { useSyncExternalStore } from "react";
import { useOutbox } from "~/lib/outbox/use-outbox";
import styles from "./pwa.module.css";

function subscribe(onChange: () => void) {
  window.addEventListener("online", onChange);
  window.addEventListener("offline", onChange);
  return () => {
    window.removeEventListener("online", onChange);
    window.removeEventListener("offline", onChange);
  };
}

/** Whether the device says it has a network; optimistic on the server. */
export function useOnline(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => navigator.onLine,
    () => true,
  );
}

/** Says the app is offline, and how many written messages wait for the connection. */
export function OfflineBanner({ userId }: { userId: string }) {
  const t = useTranslations("pwa");
  const online = useOnline();
  const waiting = useOutbox(userId).filter((item) => item.state === "pending").length;
  if (online) return null;
  return (
    <p className={styles.offline} role="status">
      {waiting > 0 ? t("offlineWaiting", { count: waiting }) : t("offline")}
    </p>
  );
}
