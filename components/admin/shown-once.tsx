"use client";

import { useTranslations } from "next-intl";
import { type ReactNode, useEffect, useId, useRef, useState } from "react";
import styles from "./admin.module.css";

/**
 * A token or a secret, shown this once: copy it, then it is gone from the screen. Focus moves
 * to the heading so a screen reader announces it.
 */
export function ShownOnce({ title, label, value, onDone, children }: { title: string; label: string; value: string; onDone: () => void; children?: ReactNode }) {
  const t = useTranslations("admin.common");
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => heading.current?.focus(), []);

  async function onCopy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopy("copied");
    } catch {
      setCopy("failed");
    }
  }

  return (
    <section className={styles.once} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
        {title}
      </h2>
      <p className={styles.warning}>{t("shownOnce")}</p>
      <div>
        <span className={styles.label}>{label}</span>
        <code className={styles.secret} data-testid="shown-once-value">
          {value}
        </code>
      </div>
      <div className={styles.actions}>
        <button type="button" className={`button ${styles.primary}`} onClick={() => void onCopy()}>
          {t("copy")}
        </button>
        <button type="button" className="button" onClick={onDone}>
          {t("done")}
        </button>
      </div>
      <p role="status" className={copy === "failed" ? styles.fieldError : styles.hint}>
        {copy === "copied" ? t("copied") : copy === "failed" ? t("copyFailed") : ""}
      </p>
      {children}
    </section>
  );
}
