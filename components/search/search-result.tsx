"use client";

import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { ChatKindIcon } from "~/components/chats/chat-kind-icon";
import { chatTitle } from "~/components/chats/chat-title";
import type { RouterOutputs } from "~/lib/trpc/types";
import styles from "./search-screen.module.css";

type SearchResult = RouterOutputs["search"]["messages"]["results"][number];

function When({ at }: { at: Date }) {
  const format = useFormatter();
  const isThisYear = at.getFullYear() === new Date().getFullYear();
  return (
    <time className={styles.time} dateTime={at.toISOString()}>
      {format.dateTime(at, { day: "numeric", month: "short", ...(isThisYear ? {} : { year: "numeric" }), hour: "2-digit", minute: "2-digit" })}
    </time>
  );
}

/** One found message: where, who, when, and the words around the match with the match marked. */
export function SearchResultRow({ result }: { result: SearchResult }) {
  const t = useTranslations("search");
  const tChats = useTranslations("chats");
  const title = chatTitle(result.chat, tChats);
  return (
    <Link href={`/chats/${result.chatId}?at=${result.seq}`} className={styles.result}>
      <span className={styles.kind}>
        <ChatKindIcon kind={result.chat.kind} />
        <span className="sr-only">{tChats(`kind.${result.chat.kind}`)}</span>
      </span>
      <span className={styles.main}>
        <span className={styles.top}>
          <span className={styles.chatTitle}>{title}</span>
          <When at={result.createdAt} />
        </span>
        <span className={styles.sender}>
          {result.senderName}
          {result.hasFile ? (
            <span className={styles.file}>
              <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
                <path d="M8 12.5l6.5-6.5a3 3 0 0 1 4.2 4.2l-8 8a5 5 0 0 1-7-7L11 4" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
              </svg>
              <span className="sr-only">{t("file")}</span>
            </span>
          ) : null}
        </span>
        <span className={styles.snippet}>
          {result.snippet.map((part, i) => (part.isMatch ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
        </span>
      </span>
    </Link>
  );
}
