"use client";

import dynamic from "next/dynamic";
import { useTranslations } from "next-intl";
import { type KeyboardEvent, useEffect, useRef, useState } from "react";
import { MESSAGE_MAX_LENGTH } from "~/contracts/limits";
import type { MessageDto } from "~/contracts/messages";
import styles from "./conversation.module.css";
import { type DraftMentions, useMentions } from "./mention-suggestions";
import social from "./social.module.css";

// The picker and its data load on the first tap of Emoji, not with the conversation.
const EmojiSheet = dynamic(() => import("./emoji-sheet").then((m) => m.EmojiSheet));
// Only an SMS window counts segments: other chats never load it.
const SegmentCounter = dynamic(() => import("~/components/sms/segment-counter").then((m) => m.SegmentCounter));
import { AttachButtons, type DraftAttachment, DraftFileList, useDraftFiles, useFileDrop } from "./draft-files";
import fileStyles from "./files.module.css";

const COUNTER_FROM = 9_000;

/** What Send hands over: the text, and the structure beside it (mentions, files). */
export type ComposerDraft = {
  body: string;
  mentions?: DraftMentions;
  /** Uploaded files (id) and files the outbox will upload (blob, written offline). */
  attachments?: DraftAttachment[];
};

export type ComposerMode = { kind: "new"; replyTo: MessageDto | null } | { kind: "edit"; message: MessageDto };

/**
 * Grows with its text; Send (and Enter on a hardware keyboard; Shift+Enter for a new line);
 * a counter near the limit. Typing notifies the chat at most every few seconds. In an SMS
 * window it writes text alone (no files, no mentions: a text message carries neither) and
 * counts the segments it will be billed as.
 */
export function Composer({
  chatId,
  mode,
  onSend,
  onCancelMode,
  onTyping,
  disabledReason,
  isSms,
}: {
  chatId: string;
  mode: ComposerMode;
  onSend: (draft: ComposerDraft) => void;
  onCancelMode: () => void;
  onTyping: () => void;
  disabledReason: string | null;
  isSms: boolean;
}) {
  const t = useTranslations("conversation");
  const tSocial = useTranslations("social");
  const tSms = useTranslations("sms");
  // The parent remounts the composer (key) when editing starts, so the draft starts from the message.
  const [body, setBody] = useState(mode.kind === "edit" ? (mode.message.body ?? "") : "");
  const ref = useRef<HTMLTextAreaElement>(null);
  const lastTyping = useRef(0);
  const mentions = useMentions({ chatId, body, setBody, input: ref, enabled: !isSms });
  const [isPickingEmoji, setPickingEmoji] = useState(false);

  function insertAtCaret(text: string) {
    const textarea = ref.current;
    const start = textarea?.selectionStart ?? body.length;
    const end = textarea?.selectionEnd ?? body.length;
    setBody(body.slice(0, start) + text + body.slice(end));
    requestAnimationFrame(() => textarea?.setSelectionRange(start + text.length, start + text.length));
  }
  const root = useRef<HTMLDivElement>(null);
  const draft = useDraftFiles(chatId);
  const canAttach = mode.kind === "new" && !disabledReason && !isSms;
  const isDropping = useFileDrop(root, draft.add, canAttach);

  useEffect(() => {
    if (mode.kind !== "new" || mode.replyTo) ref.current?.focus();
  }, [mode]);

  useEffect(() => {
    const textarea = ref.current;
    if (!textarea) return;
    textarea.style.height = "auto";
    textarea.style.height = `${Math.min(textarea.scrollHeight, 200)}px`;
  }, [body]);

  const trimmed = body.trim();
  const isTooLong = body.length > MESSAGE_MAX_LENGTH;
  // A photo needs no caption; Send waits until every upload has finished.
  const hasFiles = mode.kind === "new" && draft.sendableCount > 0;
  const canSend = (trimmed.length > 0 || hasFiles) && !draft.isBusy && !isTooLong && !disabledReason;

  function submit() {
    if (!canSend) return;
    const attachments = mode.kind === "new" ? draft.take() : [];
    onSend({
      body: trimmed,
      mentions: mode.kind === "new" ? mentions.forBody(trimmed) : undefined,
      ...(attachments.length > 0 ? { attachments } : {}),
    });
    setBody("");
    mentions.reset();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (mentions.onKeyDown(event)) return;
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
    if (event.key === "Escape" && mode.kind === "edit") {
      setBody("");
      onCancelMode();
    }
  }

  return (
    <div ref={root} className={`${styles.composer} ${fileStyles.composerBox}${isDropping ? ` ${fileStyles.dropping}` : ""}`}>
      {mode.kind === "edit" || mode.replyTo ? (
        <div className={styles.composerMode}>
          <span className={styles.composerModeText}>
            {mode.kind === "edit"
              ? t("editing")
              : t("replyingTo", { name: mode.replyTo!.sender.name, text: (mode.replyTo!.body ?? t("deleted")).slice(0, 80) })}
          </span>
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              if (mode.kind === "edit") setBody("");
              onCancelMode();
            }}
          >
            {t("cancel")}
          </button>
        </div>
      ) : null}
      {disabledReason ? <p className={styles.composerNote}>{disabledReason}</p> : null}
      {mode.kind === "new" && !isSms ? <DraftFileList draft={draft} /> : null}
      {mentions.list}
      <div className={styles.composerRow}>
        {mode.kind === "new" && !isSms ? <AttachButtons draft={draft} disabled={!canAttach} /> : null}
        <button
          type="button"
          className={social.emojiButton}
          aria-label={tSocial("emoji")}
          aria-haspopup="dialog"
          disabled={Boolean(disabledReason)}
          onClick={() => setPickingEmoji(true)}
        >
          <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
            <circle cx="12" cy="12" r="9.5" fill="none" stroke="currentColor" strokeWidth="2" />
            <path d="M8 14.5c1 1.5 2.4 2.2 4 2.2s3-.7 4-2.2" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
            <circle cx="9" cy="10" r="1.3" fill="currentColor" />
            <circle cx="15" cy="10" r="1.3" fill="currentColor" />
          </svg>
        </button>
        <textarea
          ref={ref}
          className={styles.input}
          aria-label={t("message")}
          placeholder={isSms ? tSms("placeholder") : t("placeholder")}
          rows={1}
          value={body}
          disabled={Boolean(disabledReason)}
          aria-controls={mentions.isOpen ? mentions.listId : undefined}
          aria-activedescendant={mentions.activeId}
          onSelect={(event) => mentions.track(event.currentTarget)}
          onChange={(event) => {
            setBody(event.target.value);
            mentions.track(event.target);
            const now = Date.now();
            if (now - lastTyping.current > 3_000 && event.target.value.trim()) {
              lastTyping.current = now;
              onTyping();
            }
          }}
          onKeyDown={onKeyDown}
          onPaste={(event) => {
            // Pasted screenshots and copied files join the draft; pasted text stays text.
            if (!canAttach || event.clipboardData.files.length === 0) return;
            event.preventDefault();
            draft.add(event.clipboardData.files);
          }}
        />
        <button type="button" className={styles.send} onClick={submit} disabled={!canSend} aria-label={mode.kind === "edit" ? t("save") : t("send")}>
          <svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true" focusable="false">
            <path d="M4 12l16-8-6 16-2-7-8-1z" fill="currentColor" />
          </svg>
        </button>
      </div>
      {isSms && !disabledReason ? <SegmentCounter text={body} /> : null}
      {body.length >= COUNTER_FROM ? (
        <p className={isTooLong ? styles.counterOver : styles.counter} aria-live="polite">
          {t("counter", { left: MESSAGE_MAX_LENGTH - body.length })}
        </p>
      ) : null}
      {isPickingEmoji ? <EmojiSheet onPick={insertAtCaret} onClose={() => setPickingEmoji(false)} /> : null}
    </div>
  );
}
