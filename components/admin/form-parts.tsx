"use client";

import { useTranslations } from "next-intl";
import { useId } from "react";
import styles from "./admin.module.css";

/**
 * "Are you sure?" in place of the button that asked it, for a step that cannot be undone
 * (revoke a token, delete a webhook or a rota). Focus lands on the confirming button.
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
  const common = useTranslations("admin.common");
  const id = useId();
  return (
    <div className={`${styles.confirm} ${className ?? ""}`} role="group" aria-labelledby={`${id}-confirm`}>
      <p id={`${id}-confirm`} className={styles.confirmText}>
        {question}
      </p>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className={styles.actions}>
        <button type="button" className={`button ${styles.dangerSolid}`} autoFocus disabled={isPending} onClick={onConfirm}>
          {isPending ? pendingLabel : confirmLabel}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {common("cancel")}
        </button>
      </div>
    </div>
  );
}

/** A create form's last lines: the save error that no field explains, then Submit and Cancel. */
export function FormFooter({
  showSaveError,
  isPending,
  submitLabel,
  pendingLabel,
  onCancel,
}: {
  showSaveError: boolean;
  isPending: boolean;
  submitLabel: string;
  pendingLabel: string;
  onCancel: () => void;
}) {
  const common = useTranslations("admin.common");
  return (
    <>
      {showSaveError ? (
        <p className="form-error" role="alert">
          {common("saveError")}
        </p>
      ) : null}
      <div className={styles.actions}>
        <button type="submit" className={`button ${styles.primary}`} disabled={isPending}>
          {isPending ? pendingLabel : submitLabel}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {common("cancel")}
        </button>
      </div>
    </>
  );
}
