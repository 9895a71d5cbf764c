"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { ListSkeleton, ListState } from "~/components/ui/list-state";
import { listReopened } from "~/lib/chat/chat-list-cache";
import { refresh } from "~/lib/query-refresh";
import { useTRPC } from "~/lib/trpc/client";
import type { RouterOutputs } from "~/lib/trpc/types";
import { ChatKindIcon } from "./chat-kind-icon";
import { chatTitle } from "./chat-title";
import styles from "./chat-history.module.css";
import { ChatsPane } from "./chats-pane";

type ClosedChat = RouterOutputs["chat"]["closed"][number];

function When({ at, label }: { at: Date; label: "started" | "closed" }) {
  const t = useTranslations("chats.history");
  const format = useFormatter();
  const isThisYear = at.getFullYear() === new Date().getFullYear();
  const text = format.dateTime(at, { day: "numeric", month: "short", year: isThisYear ? undefined : "numeric", hour: "2-digit", minute: "2-digit" });
  return (
    <time className={styles.when} dateTime={at.toISOString()}>
      {t(label, { at: text })}
    </time>
  );
}

/**
 * One closed chat: who it was with (a tap reads it as it was), when it started and closed, and
 * Restart to carry on. The dates run under the name and the button, the width of the row.
 */
function ClosedRow({ chat, isRestarting, disabled, onRestart }: { chat: ClosedChat; isRestarting: boolean; disabled: boolean; onRestart: () => void }) {
  const t = useTranslations("chats");
  const title = chatTitle({ kind: chat.kind, title: chat.title, entity: null }, t);
  return (
    <li className={styles.row}>
      <span className={styles.kind} title={t(`kind.${chat.kind}`)}>
        <ChatKindIcon kind={chat.kind} />
        <span className="sr-only">{t(`kind.${chat.kind}`)}</span>
      </span>
      <Link href={`/chats/${chat.id}`} className={styles.view}>
        {title}
      </Link>
      <button
        type="button"
        className={`button ${styles.restart}`}
        onClick={onRestart}
        disabled={disabled}
        aria-busy={isRestarting || undefined}
        aria-label={t("history.restartLabel", { name: title })}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
          <path d="M4 12a8 8 0 1 0 2.4-5.7M4 4v4.5h4.5" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        {t("history.restart")}
      </button>
      <span className={styles.dates}>
        <When at={chat.startedAt} label="started" />
        <When at={chat.closedAt} label="closed" />
      </span>
    </li>
  );
}

/**
 * The last 25 chats this person closed, newest first (server/services/chat/close.ts). Restart
 * opens one again where it left off; a chat someone wrote in since is open already and not here.
 */
export function ChatHistory() {
  const t = useTranslations("chats.history");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const closed = useQuery(trpc.chat.closed.queryOptions());
  const reopen = useMutation(
    trpc.chat.reopen.mutationOptions({
      onSuccess: (_, { chatId }) => {
        listReopened(queryClient, trpc.chat.list.queryKey(), chatId);
        refresh(queryClient, trpc.chat.closed.queryFilter());
        router.push(`/chats/${chatId}`);
      },
    }),
  );
  const found = closed.data ?? [];

  return (
    <ChatsPane title={t("title")} backLabel={t("back")} header={<p className={styles.intro}>{t("intro")}</p>}>
      {reopen.isError ? (
        <p className="form-error" role="alert">
          {t("restartError")}
        </p>
      ) : null}
      <ListState
        query={closed}
        isEmpty={found.length === 0}
        skeleton={<ListSkeleton count={4} height={88} />}
        empty={
          <>
            <strong className={styles.emptyTitle}>{t("emptyTitle")}</strong> {t("emptyBody")}
          </>
        }
      >
        <ul className={styles.list} aria-label={t("listLabel")}>
          {found.map((chat) => (
            <ClosedRow
              key={chat.id}
              chat={chat}
              // Until the chat has replaced this screen: the mutation ends before the navigation does.
              isRestarting={(reopen.isPending || reopen.isSuccess) && reopen.variables?.chatId === chat.id}
              disabled={reopen.isPending}
              onRestart={() => reopen.mutate({ chatId: chat.id })}
            />
          ))}
        </ul>
      </ListState>
    </ChatsPane>
  );
}
