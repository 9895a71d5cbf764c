"use client";

import { useFormatter, useTranslations } from "next-intl";
import { type RefObject, useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { ACCEPT, MAX_FILES, MAX_FILE_BYTES, discardUpload, startUpload } from "~/lib/files/upload";
import type { OutboxAttachment } from "~/lib/outbox/store";
import { Icon } from "~/components/ui/icon";
import { FileTypeIcon, fileSize } from "./attachments";
import styles from "./files.module.css";

/** A file of the draft as Send hands it over (and the outbox keeps it). */
export type DraftAttachment = OutboxAttachment;

type DraftFile = {
  localId: string;
  file: File;
  state: "uploading" | "done" | "queued" | "refused";
  progress: number;
  error: string | null;
  attachmentId: string | null;
};

let nextLocalId = 0;
const kindOf = (type: string): "image" | "file" => (type.startsWith("image/") ? "image" : "file");

/**
 * The files of the message being written. Each starts uploading when chosen, with its progress
 * and a Cancel; offline (or when the upload cannot reach the server) it is kept as a blob and
 * the outbox uploads it with the message.
 */
export function useDraftFiles(chatId: string) {
  const t = useTranslations("files");
  const [files, setFiles] = useState<DraftFile[]>([]);
  const aborts = useRef(new Map<string, () => void>());

  const update = useCallback((localId: string, change: Partial<DraftFile>) => {
    setFiles((current) => current.map((f) => (f.localId === localId ? { ...f, ...change } : f)));
  }, []);

  const add = useCallback(
    (chosen: Iterable<File>) => {
      const room = MAX_FILES - files.filter((f) => f.state !== "refused").length;
      const added = [...chosen].map((file, index): DraftFile => {
        const localId = `draft-${++nextLocalId}`;
        const base = { localId, file, progress: 0, attachmentId: null };
        if (index >= room) return { ...base, state: "refused", error: t("tooMany", { max: MAX_FILES }) };
        if (file.size > MAX_FILE_BYTES) return { ...base, state: "refused", error: t("tooLarge") };
        if (!navigator.onLine) return { ...base, state: "queued", error: null };
        return { ...base, state: "uploading", error: null };
      });
      setFiles((current) => [...current, ...added]);
      for (const draft of added) {
        if (draft.state !== "uploading") continue;
        const upload = startUpload(chatId, draft.file, draft.file.name, (progress) => update(draft.localId, { progress }));
        aborts.current.set(draft.localId, upload.abort);
        void upload.done.then((result) => {
          aborts.current.delete(draft.localId);
          if (result.kind === "ok") update(draft.localId, { state: "done", progress: 1, attachmentId: result.attachment.id });
          // Not reached: the outbox uploads it with the message, when it can.
          else if (result.kind === "network") update(draft.localId, { state: "queued" });
          else if (result.kind === "refused") update(draft.localId, { state: "refused", error: result.reason });
        });
      }
    },
    [chatId, files, t, update],
  );

  const remove = useCallback(
    (localId: string) => {
      aborts.current.get(localId)?.();
      aborts.current.delete(localId);
      const gone = files.find((f) => f.localId === localId);
      if (gone?.attachmentId) discardUpload(gone.attachmentId);
      setFiles((current) => current.filter((f) => f.localId !== localId));
    },
    [files],
  );

  /** Hands the sendable files over and empties the draft (refused ones are dropped). */
  const take = useCallback((): DraftAttachment[] => {
    const sendable = files.filter((f) => f.state === "done" || f.state === "queued");
    setFiles([]);
    return sendable.map((f) => ({
      localId: f.localId,
      id: f.state === "done" ? f.attachmentId : null,
      name: f.file.name,
      size: f.file.size,
      contentType: f.file.type,
      kind: kindOf(f.file.type),
      blob: f.state === "done" ? null : f.file,
    }));
  }, [files]);

  // Leaving the chat mid-upload: stop the uploads (the unsent files are swept a day later).
  useEffect(() => {
    const pending = aborts.current;
    return () => {
      for (const abort of pending.values()) abort();
    };
  }, []);

  return {
    files,
    add,
    remove,
    take,
    isBusy: files.some((f) => f.state === "uploading"),
    sendableCount: files.filter((f) => f.state === "done" || f.state === "queued").length,
  };
}

export type DraftFiles = ReturnType<typeof useDraftFiles>;

/** Files dragged onto the conversation (desktop) join the draft; the rest of the page ignores them. */
export function useFileDrop(root: RefObject<HTMLElement | null>, onFiles: (files: File[]) => void, enabled: boolean) {
  const [isOver, setIsOver] = useState(false);
  useEffect(() => {
    const area = root.current?.closest("section") ?? root.current;
    if (!area || !enabled) return;
    const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes("Files") ?? false;
    const over = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      setIsOver(true);
    };
    const leave = (event: DragEvent) => {
      if (!area.contains(event.relatedTarget as Node | null)) setIsOver(false);
    };
    const drop = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      setIsOver(false);
      onFiles([...(event.dataTransfer?.files ?? [])]);
    };
    area.addEventListener("dragover", over);
    area.addEventListener("dragleave", leave);
    area.addEventListener("drop", drop);
    return () => {
      area.removeEventListener("dragover", over);
      area.removeEventListener("dragleave", leave);
      area.removeEventListener("drop", drop);
    };
  }, [root, onFiles, enabled]);
  return isOver;
}

const noSubscription = () => () => undefined;

/** Attach (gallery, files) and, on touch screens, Take photo (the camera, through `capture`). */
export function AttachButtons({ draft, disabled }: { draft: DraftFiles; disabled: boolean }) {
  const t = useTranslations("files");
  const picker = useRef<HTMLInputElement>(null);
  const camera = useRef<HTMLInputElement>(null);
  const isTouch = useSyncExternalStore(
    noSubscription,
    () => window.matchMedia("(pointer: coarse)").matches,
    () => false,
  );
  const onChange = (input: HTMLInputElement) => {
    if (input.files?.length) draft.add(input.files);
    // The same file may be chosen again after being removed.
    input.value = "";
  };
  return (
    <>
      <button type="button" className={styles.attach} aria-label={t("attach")} disabled={disabled} onClick={() => picker.current?.click()}>
        <Icon name="attach" size={26} weight={2} />
      </button>
      <input ref={picker} type="file" multiple accept={ACCEPT} hidden data-testid="attach-input" onChange={(e) => onChange(e.currentTarget)} />
      {isTouch ? (
        <>
          <button type="button" className={`${styles.attach} ${styles.camera}`} aria-label={t("takePhoto")} disabled={disabled} onClick={() => camera.current?.click()}>
            <Icon name="camera" size={26} weight={2} />
          </button>
          <input ref={camera} type="file" accept="image/*" capture="environment" hidden onChange={(e) => onChange(e.currentTarget)} />
        </>
      ) : null}
    </>
  );
}

/** The draft's files: progress while uploading, Cancel, the reason a file was refused. */
export function DraftFileList({ draft }: { draft: DraftFiles }) {
  const t = useTranslations("files");
  const format = useFormatter();
  if (draft.files.length === 0) return null;
  return (
    <ul className={styles.draftList}>
      {draft.files.map((f) => (
        <li key={f.localId} className={styles.draftRow} data-state={f.state}>
          <FileTypeIcon contentType={f.file.type} name={f.file.name} />
          <div className={styles.draftMain}>
            <span className={styles.fileName}>{f.file.name}</span>
            {f.state === "uploading" ? (
              <progress className={styles.progress} max={1} value={f.progress} aria-label={f.file.name} />
            ) : f.state === "refused" ? (
              <span className={styles.refusal} role="alert">
                {/* The row shows the name; the announcement needs it too. */}
                <span className="sr-only">{t("refusedName", { name: f.file.name })} </span>
                {f.error ?? ""}
              </span>
            ) : (
              <span className={styles.fileMeta}>
                {fileSize(format, f.file.size)} · {f.state === "queued" ? t("queued") : t("uploaded")}
              </span>
            )}
          </div>
          <button
            type="button"
            className={`button button-quiet ${styles.draftRemove}`}
            aria-label={f.state === "uploading" ? t("cancelUpload", { name: f.file.name }) : t("remove", { name: f.file.name })}
            onClick={() => draft.remove(f.localId)}
          >
            <span aria-hidden="true">✕</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
