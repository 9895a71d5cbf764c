"use client";

import dynamic from "next/dynamic";
import { useFormatter, useTranslations } from "next-intl";
import { memo } from "react";
import type { MessageDto } from "~/contracts/messages";
import { useIsSameDay } from "~/lib/time/same-day";
import { MessageAttachments } from "./attachments";
import styles from "./conversation.module.css";
import { MessageText, RecordChips } from "./message-text";
import { Reactions } from "./reactions";
import { Receipt } from "./receipt";

// Cards (approvals, requests to take) appear on few messages: loaded when one is shown.
const MessageCard = dynamic(() => import("./message-card").then((m) => m.MessageCard));
// Only SMS windows have texts on their way to a phone.
const SmsDelivery = dynamic(() => import("~/components/sms/sms-delivery").then((m) => m.SmsDelivery));

/** Messages from one sender closer together than this share the sender's name. */
const SAME_SENDER_MS = 5 * 60_000;

/**
 * One message of the timeline: a system line, or a bubble (tapped for its actions) with its
 * files, record chips, reactions and card. Above it the day when the day changes, and the
 * "new messages" divider when it is the first unread one.
 */
export const MessageItem = memo(function MessageItem(props: {
  message: MessageDto;
  /** The message shown before it, if any. */
  previous: MessageDto | undefined;
  me: { id: string; name: string };
  isFirstUnread: boolean;
  isHighlighted: boolean;
  /** Whether someone else has read it (an own message's ✓✓). */
  isRead: boolean;
  onOpen: (message: MessageDto) => void;
}) {
  const { message, previous, me, isFirstUnread, isHighlighted, isRead, onOpen } = props;
  const t = useTranslations("conversation");
  const format = useFormatter();
  const sameDay = useIsSameDay();
  const isOwn = message.sender.id === me.id;
  const newDay = !previous || !sameDay(previous.createdAt, message.createdAt);
  const newSender =
    newDay || previous?.sender.id !== message.sender.id || message.createdAt.getTime() - (previous?.createdAt.getTime() ?? 0) > SAME_SENDER_MS;
  const time = (
    <time dateTime={message.createdAt.toISOString()}>{format.dateTime(message.createdAt, { hour: "2-digit", minute: "2-digit" })}</time>
  );
  return (
    <>
      {newDay ? (
        <li className={styles.day}>
          <span>{format.dateTime(message.createdAt, { weekday: "long", day: "numeric", month: "long" })}</span>
        </li>
      ) : null}
      {isFirstUnread ? (
        <li className={styles.divider}>
          <span>{t("newMessages")}</span>
        </li>
      ) : null}
      {message.kind === "system" ? (
        <li className={styles.systemLine} data-seq={message.seq} data-highlighted={isHighlighted || undefined}>
          <span>{message.body ?? t("deleted")}</span>
          {time}
        </li>
      ) : (
        <li className={isOwn ? styles.own : styles.other} data-seq={message.seq} data-highlighted={isHighlighted || undefined}>
          {newSender && !isOwn ? <span className={styles.sender}>{message.sender.name}</span> : null}
          {message.attachments.length ? <MessageAttachments attachments={message.attachments} /> : null}
          <button type="button" className={styles.bubble} onClick={() => onOpen(message)} aria-haspopup="dialog">
            {message.replyTo ? (
              <span className={styles.quote}>
                <span className={styles.quoteName}>{message.replyTo.senderName}</span>
                <span>{message.replyTo.body ?? t("deleted")}</span>
              </span>
            ) : null}
            <span className={message.body === null ? styles.deletedBody : styles.body}>
              {message.body === null ? t("deleted") : <MessageText body={message.body} mentions={message.mentions} me={me.id} />}
            </span>
            <span className={styles.meta}>
              {message.editedAt && !message.deletedAt ? <span>{t("edited")}</span> : null}
              {time}
              {/* A text to a phone says whether the phone got it, whoever sent it; read receipts are for people here. */}
              {message.kind === "sms_out" && message.data?.type === "sms" ? (
                <SmsDelivery sms={message.data} />
              ) : isOwn ? (
                <Receipt state={isRead ? "read" : "sent"} />
              ) : null}
            </span>
          </button>
          <RecordChips message={message} />
          <Reactions message={message} me={me} />
          {message.data && message.data.type !== "sms" ? <MessageCard message={message} /> : null}
        </li>
      )}
    </>
  );
});
