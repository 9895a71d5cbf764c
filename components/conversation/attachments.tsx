"use client";

import dynamic from "next/dynamic";
import { useFormatter, useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import type { OutboxAttachment } from "~/lib/outbox/store";
import type { AttachmentDto } from "~/contracts/messages";
import styles from "./files.module.css";

// The viewer loads when a photo is first opened.
const ImageViewer = dynamic(() => import("./image-viewer").then((m) => m.ImageViewer));

type Formatter = ReturnType<typeof useFormatter>;

/** "820 KB", "3.4 MB", in the reader's locale. */
export function fileSize(format: Formatter, bytes: number): string {
  if (bytes < 1024 * 1024) return format.number(Math.max(1, Math.round(bytes / 1024)), { style: "unit", unit: "kilobyte" });
  return format.number(bytes / (1024 * 1024), { style: "unit", unit: "megabyte", maximumFractionDigits: 1 });
}

type Family = "pdf" | "sheet" | "document" | "slides" | "text" | "image" | "file";

function familyOf(contentType: string, name: string): Family {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? "";
  if (contentType === "application/pdf" || ext === "pdf") return "pdf";
  if (/spreadsheet|ms-excel|text\/csv/.test(contentType) || ["xls", "xlsx", "csv"].includes(ext)) return "sheet";
  if (/presentation|powerpoint/.test(contentType) || ["ppt", "pptx"].includes(ext)) return "slides";
  if (/wordprocessing|msword/.test(contentType) || ["doc", "docx"].includes(ext)) return "document";
  if (contentType === "text/plain" || ext === "txt") return "text";
  if (contentType.startsWith("image/")) return "image";
  return "file";
}

const BADGE: Record<Family, { label: string; colour: string }> = {
  pdf: { label: "PDF", colour: "#c62828" },
  sheet: { label: "XLS", colour: "#1b6e3a" },
  document: { label: "DOC", colour: "#0b5cad" },
  slides: { label: "PPT", colour: "#c2571a" },
  text: { label: "TXT", colour: "#4a5560" },
  image: { label: "IMG", colour: "#6a3fb5" },
  file: { label: "FILE", colour: "#4a5560" },
};

/** A document shape with the type's short name: recognisable without reading the file name. */
export function FileTypeIcon({ contentType, name }: { contentType: string; name: string }) {
  const t = useTranslations("files");
  const family = familyOf(contentType, name);
  const badge = BADGE[family];
  return (
    <svg className={styles.typeIcon} viewBox="0 0 32 40" width="32" height="40" role="img" aria-label={t(`kind.${family}`)}>
      <path d="M2 2h19l9 9v27H2z" fill="var(--bg)" stroke="var(--muted)" strokeWidth="2" strokeLinejoin="round" />
      <path d="M21 2v9h9" fill="none" stroke="var(--muted)" strokeWidth="2" strokeLinejoin="round" />
      <rect x="0" y="21" width="32" height="12" rx="2" fill={badge.colour} />
      <text x="16" y="30.5" textAnchor="middle" fontSize="9" fontWeight="700" fill="#fff" fontFamily="system-ui, sans-serif">
        {badge.label}
      </text>
    </svg>
  );
}

/** The displayed size of a thumbnail: at most 240×240 CSS pixels, keeping the photo's shape. */
function thumbBox(width: number, height: number) {
  const scale = Math.min(1, 240 / width, 240 / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** A message's files under its bubble: photos as thumbnails (tap: full screen), files as download rows. */
export function MessageAttachments({ attachments }: { attachments: AttachmentDto[] }) {
  const t = useTranslations("files");
  const format = useFormatter();
  const [open, setOpen] = useState<AttachmentDto | null>(null);
  // A photo the server could not decode (an HEIC) has no thumbnail: it is shown as a file.
  const photos = attachments.filter((a) => a.kind === "image" && a.width !== null && a.height !== null);
  const files = attachments.filter((a) => !photos.includes(a));
  return (
    <div className={styles.attachments}>
      {photos.length > 0 ? (
        <div className={styles.photos}>
          {photos.map((photo) => {
            const box = thumbBox(photo.width!, photo.height!);
            return (
              <button key={photo.id} type="button" className={styles.photo} aria-label={t("openPhoto", { name: photo.name })} onClick={() => setOpen(photo)}>
                {/* eslint-disable-next-line @next/next/no-img-element -- authorised thumbnails, already sized by the server */}
                <img src={`/api/files/${photo.id}/thumb`} alt={photo.name} width={box.width} height={box.height} loading="lazy" decoding="async" />
              </button>
            );
          })}
        </div>
      ) : null}
      {files.map((file) => (
        <a key={file.id} className={styles.fileRow} href={`/api/files/${file.id}`} download={file.name} aria-label={t("download", { name: file.name })}>
          <FileTypeIcon contentType={file.contentType} name={file.name} />
          <span className={styles.fileText}>
            <span className={styles.fileName}>{file.name}</span>
            <span className={styles.fileMeta}>{fileSize(format, file.size)}</span>
          </span>
          <svg className={styles.downloadIcon} viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
            <path d="M12 4v11m-5-5l5 5 5-5M5 20h14" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </a>
      ))}
      {open ? <ImageViewer attachment={open} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}

/** A local preview of a photo still on the device (an outbox item written offline). */
function LocalPreview({ blob, name }: { blob: Blob; name: string }) {
  const url = useMemo(() => URL.createObjectURL(blob), [blob]);
  // Once shown, the picture no longer needs its URL.
  // eslint-disable-next-line @next/next/no-img-element -- a local blob, nothing to optimise
  return <img src={url} alt={name} className={styles.pendingThumb} onLoad={() => URL.revokeObjectURL(url)} />;
}

/** The files of a message waiting in the outbox: names, and the photo where it is at hand. */
export function PendingAttachments({ attachments }: { attachments: OutboxAttachment[] }) {
  const t = useTranslations("files");
  const format = useFormatter();
  return (
    <ul className={styles.pendingList}>
      {attachments.map((file) => (
        <li key={file.localId} className={styles.pendingRow}>
          {file.kind === "image" && file.blob ? (
            <LocalPreview blob={file.blob} name={t("photoOf", { name: file.name })} />
          ) : file.kind === "image" && file.id ? (
            // eslint-disable-next-line @next/next/no-img-element -- authorised thumbnails, already sized by the server
            <img src={`/api/files/${file.id}/thumb`} alt={t("photoOf", { name: file.name })} className={styles.pendingThumb} />
          ) : (
            <FileTypeIcon contentType={file.contentType} name={file.name} />
          )}
          <span className={styles.fileText}>
            <span className={styles.fileName}>{file.name}</span>
            <span className={styles.fileMeta}>{fileSize(format, file.size)}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}
