"use client";

import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useId, useRef } from "react";
import { addChatRequest, dismissChatRequest, firstMessageFromOther, useChatRequests } from "~/lib/chat/chat-requests";
import { useCurrentUserId, useStreamEvent } from "~/lib/realtime/stream-provider";
import { useTRPC } from "~/lib/trpc/client";
import type { ChatSummary } from "~/lib/trpc/types";
import { Icon } from "~/components/ui/icon";
import styles from "./chat-request-alert.module.css";

const CHAT_PATH = /^\/chats\/([0-9a-f-]{36})(?:\/|$)/;

/** The chat a path shows, if any. */
const chatShown = (pathname: string) => CHAT_PATH.exec(pathname)?.[1] ?? null;

/**
 * "Someone wants to chat!" (the TrackerChat document): the first message of a new direct chat to
 * me, while I am anywhere but that chat, raises this alert beside the push and the chime
 * (attention.tsx), and the Chats tab flashes (app-nav.tsx) until I open the chat or say Later.
 * It never takes the focus: whatever the person is typing stays theirs.
 */
export function ChatRequestAlert() {
  const t = useTranslations("chats.wantsToChat");
  const me = useCurrentUserId();
  const pathname = usePathname();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const requests = useChatRequests();
  const titleId = useId();
  // Where the person is when the chat's kind is known, a fetch later.
  const where = useRef(pathname);
  useEffect(() => {
    where.current = pathname;
    const shown = chatShown(pathname);
    if (shown) dismissChatRequest(shown);
  }, [pathname]);

  useStreamEvent((event) => {
    // Read on another of my devices: answered there.
    if (event.type === "read" && event.userId === me) {
      dismissChatRequest(event.chatId);
      return;
    }
    const request = firstMessageFromOther(event, me);
    if (!request || chatShown(where.current) === request.chatId) return;
    // The event does not say the chat's kind. A chat new to me is not in my list yet (the list is
    // being fetched again because of this very message): ask for the one chat.
    const listed = queryClient.getQueryData<ChatSummary[]>(trpc.chat.list.queryKey())?.find((chat) => chat.id === request.chatId);
    const chat = listed ? Promise.resolve(listed) : queryClient.fetchQuery(trpc.chat.get.queryOptions({ chatId: request.chatId }));
    void chat
      .then((found) => {
        if (found.kind !== "direct" || found.lastReadSeq >= 1 || chatShown(where.current) === found.id) return;
        addChatRequest(request);
      })
      // Not readable after all (or offline): the chat list and the push still say it.
      .catch(() => undefined);
  });

  const first = requests[0];
  if (!first) return null;
  const more = requests.length - 1;
  return (
    <section className={styles.alert} aria-label={t("label")} data-testid="chat-request">
      <span className={styles.icon} aria-hidden="true">
        <Icon name="chats" />
      </span>
      <div className={styles.text} role="alert" id={titleId}>
        <strong className={styles.title}>{t("title")}</strong>
        <span className={styles.body}>{t("body", { name: first.name })}</span>
        {more > 0 ? <span className={styles.more}>{t("more", { count: more })}</span> : null}
      </div>
      <div className={styles.actions}>
        <button type="button" className="button" onClick={() => dismissChatRequest(first.chatId)} aria-describedby={titleId}>
          {t("later")}
        </button>
        <Link href={`/chats/${first.chatId}`} className={`button ${styles.open}`} onClick={() => dismissChatRequest(first.chatId)} aria-describedby={titleId}>
          {t("open")}
        </Link>
      </div>
    </section>
  );
}
