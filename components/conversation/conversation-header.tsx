"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { ChatKindIcon } from "~/components/chats/chat-kind-icon";
import { ApprovalChip, StatusChip } from "~/components/chats/chat-list";
import type { ChatSummary } from "~/lib/trpc/types";
import type { useChatWindow } from "./chat-window";
import styles from "./conversation.module.css";

/**
 * Back to the chats, the chat's kind and title, under it a record's status and host link (or a
 * line such as an SMS contact's number, or the other person's presence), and Details. On a wide
 * screen also the window's own controls: keep the picked chat open beside the next one, or
 * close a window kept open; and a window asking for attention says so.
 */
export function ConversationHeader({
  chat,
  title,
  subtitle,
  chatWindow,
  onDetails,
}: {
  chat: ChatSummary | undefined;
  title: string;
  subtitle?: ReactNode;
  chatWindow: ReturnType<typeof useChatWindow>;
  onDetails: () => void;
}) {
  const t = useTranslations("conversation");
  // A kept window is a part of the page, under the picked chat's heading.
  const Heading = chatWindow.isDocked ? "h2" : "h1";
  return (
    <header className={styles.header} data-attention={chatWindow.hasAttention ? "true" : undefined}>
      <Link href="/chats" className={`button button-quiet ${styles.back}`} aria-label={t("backToChats")}>
        <span aria-hidden="true">←</span>
      </Link>
      <span className={styles.headerIcon}>{chat ? <ChatKindIcon kind={chat.kind} /> : null}</span>
      <div className={styles.headerMain}>
        <Heading className={styles.title}>{title || "\u00a0"}</Heading>
        {chat?.entity ? (
          <div className={styles.headerMeta}>
            <StatusChip status={chat.entity.status} />
            <ApprovalChip pending={chat.entity.pendingApprovals} />
            {chat.entity.url ? (
              <a className={styles.hostLink} href={chat.entity.url} target="_blank" rel="noopener noreferrer">
                {t("openInHost")}
              </a>
            ) : null}
          </div>
        ) : null}
        {subtitle ? <div className={styles.subtitle}>{subtitle}</div> : null}
      </div>
      <div className={styles.headerActions}>
        {/* Read out as it appears; the highlight is not colour alone: the mark and the words say it. */}
        <span role="status">
          {chatWindow.hasAttention ? (
            <span className={styles.attention}>
              <span aria-hidden="true">● {t("window.new")}</span>
              <span className="sr-only">{t("window.newMessage", { title })}</span>
            </span>
          ) : null}
        </span>
        {chatWindow.canKeep ? (
          <button
            type="button"
            className="button button-quiet"
            aria-pressed={chatWindow.isKept}
            disabled={chatWindow.isFull}
            title={chatWindow.isFull ? t("window.full") : undefined}
            onClick={chatWindow.toggleKept}
          >
            {t("window.keep")}
          </button>
        ) : null}
        <button type="button" className="button button-quiet" onClick={onDetails} aria-haspopup="dialog">
          {t("detailsButton")}
        </button>
        {chatWindow.isDocked ? (
          <button type="button" className="button button-quiet" aria-label={t("window.close", { title })} onClick={chatWindow.closeWindow}>
            <span aria-hidden="true">✕</span>
          </button>
        ) : null}
      </div>
    </header>
  );
}
