"use client";

import { useTranslations } from "next-intl";
import { useEffect } from "react";
import { useTotalUnread } from "./app-nav";

/**
 * The tab title shows the unread count, and blinks while the tab is hidden and something is
 * unread (PRODUCT.md N2).
 */
export function TitleAttention() {
  const t = useTranslations("nav");
  const unread = useTotalUnread();
  useEffect(() => {
    const base = document.title.replace(/^\(\d+\+?\) /, "").replace(/^• .*? • /, "");
    const counted = unread > 0 ? `(${unread > 99 ? "99+" : unread}) ${base}` : base;
    document.title = counted;
    if (unread === 0) return;
    let on = false;
    const timer = setInterval(() => {
      if (!document.hidden) {
        document.title = counted;
        return;
      }
      on = !on;
      document.title = on ? `• ${t("newMessages")} • ${base}` : counted;
    }, 1_000);
    return () => {
      clearInterval(timer);
      document.title = base;
    };
  }, [unread, t]);
  return null;
}
