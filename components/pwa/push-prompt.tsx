"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { deviceLabel, isPushSupported, subscribeThisBrowser, subscriptionInput } from "~/lib/push/browser";
import { useTRPC } from "~/lib/trpc/client";
import styles from "./pwa.module.css";

const DISMISSED = "floorchat.pushPrompt";

/** Whether to ask: the browser can push, nobody has answered its permission question, and the person did not say "Not now". */
function shouldAsk(): boolean {
  return isPushSupported() && Notification.permission === "default" && localStorage.getItem(DISMISSED) === null;
}

/**
 * Asked once, right after someone sends a message, when a reply is what they wait for
 * (PRODUCT.md N1). The browser's own permission prompt comes only from the tap on "Turn on".
 */
export function PushPrompt() {
  const t = useTranslations("pwa.pushPrompt");
  const trpc = useTRPC();
  const [visible, setVisible] = useState(shouldAsk);
  const [failed, setFailed] = useState(false);
  const key = useQuery({ ...trpc.push.vapidPublicKey.queryOptions(), enabled: visible });
  const subscribe = useMutation(trpc.push.subscribe.mutationOptions());
  if (!visible) return null;

  const enable = async () => {
    if (!key.data) return;
    try {
      const subscription = await subscribeThisBrowser(key.data.publicKey);
      await subscribe.mutateAsync(subscriptionInput(subscription, deviceLabel(navigator.userAgent)));
      setVisible(false);
    } catch {
      // Permission refused or the push service unreachable: Me explains and retries.
      setFailed(true);
    }
  };
  const later = () => {
    localStorage.setItem(DISMISSED, "later");
    setVisible(false);
  };

  return (
    <div className={styles.pushPrompt} role="status">
      <p>{failed ? t("failed") : t("text")}</p>
      <div className={styles.updateActions}>
        {failed ? null : (
          <button type="button" className="button button-primary" onClick={() => void enable()} disabled={!key.data || subscribe.isPending}>
            {t("enable")}
          </button>
        )}
        <button type="button" className="button button-quiet" onClick={later}>
          {t("later")}
        </button>
      </div>
    </div>
  );
}
