"use client";

import styles from "./conversation.module.css";

/** "Are you sure?" in place: the question, a red confirm button, and Cancel. */
export function Confirm({
  label,
  question,
  confirmLabel,
  cancelLabel,
  pending,
  onConfirm,
  onCancel,
}: {
  label: string;
  question: string;
  confirmLabel: string;
  cancelLabel: string;
  pending: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <div className="stack" role="group" aria-label={label}>
      <p>{question}</p>
      <button type="button" className={`button ${styles.danger}`} disabled={pending} onClick={onConfirm}>
        {confirmLabel}
      </button>
      <button type="button" className="button button-quiet" onClick={onCancel}>
        {cancelLabel}
      </button>
    </div>
  );
}
