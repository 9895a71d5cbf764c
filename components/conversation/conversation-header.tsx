"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { ChatKindIcon } from "~/components/chats/chat-kind-icon";
import { ApprovalChip, StatusChip } from "~/components/chats/chat-list";
import type { ChatSummary } from "~/lib/trpc/types";
import styles from "./conversation.module.css";

/**
 * Back to the chats, the chat's kind and title, under it a record's status and host link (or a
 * line such as an SMS contact's number), and Details.
 */
export function ConversationHeader({
  chat,
  title,
  subtitle,
  onDetails,
}: {
  chat: ChatSummary | undefined;
  title: string;
  subtitle?: string;
  onDetails: () => void;
}) {
  const t = useTranslations("conversation");
  return (
    <header className={styles.header}>
      <Link href="/chats" className={`button button-quiet ${styles.back}`} aria-label={t("backToChats")}>
        <span aria-hidden="true">←</span>
      </Link>
      <span className={styles.headerIcon}>{chat ? <ChatKindIcon kind={chat.kind} /> : null}</span>
      <div className={styles.headerMain}>
        <h1 className={styles.title}>{title || "\u00a0"}</h1>
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
        {subtitle ? <p className={styles.subtitle}>{subtitle}</p> : null}
      </div>
      <button type="button" className="button button-quiet" onClick={onDetails} aria-haspopup="dialog">
        {t("detailsButton")}
      </button>
    </header>
  );
}
