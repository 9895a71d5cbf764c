"use client";

import { useTranslations } from "next-intl";
import { useId } from "react";
import styles from "./inline-confirm.module.css";

/**
 * "Are you sure?" in place of the button that asked it, for a step that cannot be undone
 * (revoke a token, delete a webhook, a rota or a quick reply). Focus lands on the confirming
 * button; the question names the group for screen readers.
 */
export function InlineConfirm({
  question,
  error,
  isPending,
  confirmLabel,
  pendingLabel,
  onConfirm,
  onCancel,
  className,
}: {
  question: string;
  /** Shown when the last try failed. */
  error: string | null;
  isPending: boolean;
  confirmLabel: string;
  pendingLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  className?: string;
}) {
  const t = useTranslations("ui");
  const id = useId();
  return (
    <div className={`${styles.confirm} ${className ?? ""}`} role="group" aria-labelledby={`${id}-confirm`}>
      <p id={`${id}-confirm`} className={styles.question}>
        {question}
      </p>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className={styles.actions}>
        <button type="button" className={`button ${styles.yes}`} autoFocus disabled={isPending} onClick={onConfirm}>
          {isPending ? pendingLabel : confirmLabel}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t("cancel")}
        </button>
      </div>
    </div>
  );
}
