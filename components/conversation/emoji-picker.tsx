"use client";

import { useLocale, useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import styles from "./social.module.css";

/**
 * `emoji-picker-element` (a web component, kept up to date with Unicode's emoji), loaded only
 * when a picker is first shown. Its data is served by Floorchat itself from public/emoji/
 * (scripts/emoji-data.ts): the default source is a CDN, which a warehouse may not reach.
 */
export function EmojiPicker({ onPick }: { onPick: (emoji: string) => void }) {
  const t = useTranslations("social");
  const locale = useLocale();
  const host = useRef<HTMLDivElement>(null);
  const latest = useRef(onPick);
  const [state, setState] = useState<"loading" | "ready" | "error">("loading");

  useEffect(() => {
    latest.current = onPick;
  });

  useEffect(() => {
    let element: HTMLElement | null = null;
    let isCancelled = false;
    const isPolish = locale === "pl";
    void Promise.all([import("emoji-picker-element"), isPolish ? import("emoji-picker-element/i18n/pl.js") : null])
      .then(([{ Picker }, polish]) => {
        if (isCancelled || !host.current) return;
        const picker = new Picker({
          locale: isPolish ? "pl" : "en",
          dataSource: `/emoji/${isPolish ? "pl" : "en"}.json`,
          ...(polish ? { i18n: polish.default } : {}),
        });
        picker.addEventListener("emoji-click", (event) => {
          const unicode = event.detail.unicode;
          if (unicode) latest.current(unicode);
        });
        host.current.append(picker);
        element = picker;
        setState("ready");
      })
      .catch(() => {
        if (!isCancelled) setState("error");
      });
    return () => {
      isCancelled = true;
      element?.remove();
    };
  }, [locale]);

  return (
    <div className={styles.picker} ref={host}>
      {state === "loading" ? <p className="muted">{t("emojiLoading")}</p> : null}
      {state === "error" ? <p role="alert">{t("emojiError")}</p> : null}
    </div>
  );
}

export default EmojiPicker;
