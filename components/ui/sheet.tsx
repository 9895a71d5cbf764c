"use client";

import { type ReactNode, useEffect, useRef } from "react";
import styles from "./sheet.module.css";

/**
 * A bottom sheet on phones, a centred dialog on wider screens, built on <dialog> for focus
 * trapping and Escape. Closing (Escape, backdrop, the close button) calls `onClose`.
 */
export function Sheet({
  open,
  onClose,
  title,
  closeLabel,
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  closeLabel: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={styles.sheet}
      aria-label={title}
      onClose={onClose}
      onClick={(event) => {
        if (event.target === ref.current) onClose();
      }}
    >
      {open ? (
        <div className={styles.body}>
          <div className={styles.header}>
            <h2 className={styles.title}>{title}</h2>
            <button type="button" className="button button-quiet" onClick={onClose}>
              {closeLabel}
            </button>
          </div>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}
