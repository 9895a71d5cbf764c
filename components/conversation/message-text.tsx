"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { type ReactNode, useState } from "react";
import { StatusChip } from "~/components/chats/chat-list";
import { useTRPC } from "~/lib/trpc/client";
import type { MentionsDto, MessageDto } from "~/contracts/messages";
import styles from "./social.module.css";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A message's text with its stored mentions marked: "@Name" of a person (stronger when it is
 * me) and "@KEY" of a record. Only what the message's structure names is marked, so an "@"
 * typed by hand stays plain text.
 */
export function MessageText({ body, mentions, me }: { body: string; mentions: MentionsDto; me: string }) {
  const tokens = new Map<string, { kind: "user" | "entity"; isMe: boolean }>();
  for (const user of mentions.users) if (user.name) tokens.set(`@${user.name}`, { kind: "user", isMe: user.id === me });
  for (const entity of mentions.entities) tokens.set(`@${entity.key}`, { kind: "entity", isMe: false });
  if (tokens.size === 0) return <>{body}</>;
  // Longest first, so "@Anna Nowak-Kowalska" wins over "@Anna Nowak".
  const pattern = new RegExp(
    `(${[...tokens.keys()]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join("|")})`,
    "g",
  );
  const parts: ReactNode[] = body.split(pattern).map((part, index) => {
    const token = index % 2 === 1 ? tokens.get(part) : undefined;
    if (!token) return part;
    const className = token.kind === "entity" ? styles.recordMention : token.isMe ? styles.mentionMe : styles.mention;
    return (
      <span key={index} className={className} data-mention={token.kind}>
        {part}
      </span>
    );
  });
  return <>{parts}</>;
}

/**
 * The records a message mentions as chips under its bubble (a link cannot sit inside the
 * bubble's button): title, live status, and a tap opens the record's chat (made on first use,
 * as a scan does). The status is read again with the other chips on screen, on window focus
 * and when a record changes (lib/realtime/stream-provider.tsx refreshes `mention.records`).
 */
export function RecordChips({ message }: { message: MessageDto }) {
  const t = useTranslations("social");
  const trpc = useTRPC();
  const router = useRouter();
  const ids = message.mentions.entities.map((e) => e.id);
  const live = useQuery({
    ...trpc.mention.records.queryOptions({ ids }),
    enabled: ids.length > 0 && !message.deletedAt,
    staleTime: 30_000,
    refetchOnWindowFocus: true,
  });
  const open = useMutation(trpc.chat.openForEntity.mutationOptions());
  const [failed, setFailed] = useState(false);
  if (ids.length === 0 || message.deletedAt) return null;
  return (
    <div className={styles.recordChips}>
      {message.mentions.entities.map((stored) => {
        const record = live.data?.find((r) => r.id === stored.id) ?? stored;
        return (
          <button
            key={record.id}
            type="button"
            className={styles.recordChip}
            disabled={open.isPending}
            aria-label={
              record.status
                ? t("openRecord", { title: record.title, key: record.key, status: record.status })
                : t("openRecordNoStatus", { title: record.title, key: record.key })
            }
            onClick={() =>
              open.mutate(
                { type: record.type, key: record.key },
                { onSuccess: (chat) => router.push(`/chats/${chat.id}`), onError: () => setFailed(true) },
              )
            }
          >
            <span className={styles.recordTitle}>{record.title || record.key}</span>
            <StatusChip status={record.status} />
          </button>
        );
      })}
      {failed ? (
        <p className={styles.recordError} role="alert">
          {t("recordError")}
        </p>
      ) : null}
    </div>
  );
}
