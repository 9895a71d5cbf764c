"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import type { AttachmentDto } from "~/contracts/messages";
import styles from "./files.module.css";

/**
 * A photo full screen, on a modal <dialog> (focus kept inside, Escape closes). Pinch-zoom is the
 * browser's own on the scrollable frame (`touch-action: pinch-zoom`); a button and a double tap
 * switch between fitting the screen and the photo's own size, scrolled by dragging.
 */
export function ImageViewer({ attachment, onClose }: { attachment: AttachmentDto; onClose: () => void }) {
  const t = useTranslations("files");
  const ref = useRef<HTMLDialogElement>(null);
  const [isZoomed, setIsZoomed] = useState(false);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog ref={ref} className={styles.viewer} aria-label={t("viewer", { name: attachment.name })} onClose={onClose}>
      <div className={styles.viewerBar}>
        <span className={styles.viewerTitle}>{attachment.name}</span>
        <button type="button" className="button button-quiet" aria-pressed={isZoomed} onClick={() => setIsZoomed((z) => !z)}>
          {isZoomed ? t("zoomOut") : t("zoomIn")}
        </button>
        <button type="button" className="button" onClick={onClose} autoFocus>
          {t("close")}
        </button>
      </div>
      <div className={styles.viewerFrame} data-zoomed={isZoomed}>
        {/* eslint-disable-next-line @next/next/no-img-element -- an authorised file of our own API, shown as stored */}
        <img
          src={`/api/files/${attachment.id}`}
          alt={attachment.name}
          width={attachment.width ?? undefined}
          height={attachment.height ?? undefined}
          className={styles.viewerImage}
          onDoubleClick={() => setIsZoomed((z) => !z)}
        />
      </div>
    </dialog>
  );
}
