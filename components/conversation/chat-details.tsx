"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Sheet } from "~/components/ui/sheet";
import { useTRPC } from "~/lib/trpc/client";
import type { ChatSummary } from "~/lib/trpc/types";
import { Confirm } from "./confirm";
import styles from "./conversation.module.css";

/**
 * Who is in the chat, inviting someone (a record's chat or a public room), muting, leaving,
 * closing a direct chat or an SMS window (it leaves the person's list until a newer message
 * arrives; reopening restarts it), and, for the room's creator or an admin, the way to its settings.
 */
export function ChatDetails({
  chat,
  me,
  canManage,
  open,
  onClose,
  onEditRoom,
  onGone,
}: {
  chat: ChatSummary;
  me: string | null;
  canManage: boolean;
  open: boolean;
  onClose: () => void;
  onEditRoom: () => void;
  /** The chat left this person's list (left, closed): its window closes. */
  onGone: () => void;
}) {
  const t = useTranslations("conversation");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const members = useQuery({ ...trpc.chat.members.queryOptions({ chatId: chat.id }), enabled: open });
  const canInvite = chat.kind === "entity" || chat.kind === "system" || (chat.kind === "room" && chat.visibility === "public");
  // A private room is left by leaving its access list; a public room or a record's chat by membership.
  const canLeave =
    chat.kind === "room"
      ? chat.createdBy !== me && (chat.visibility === "private" || chat.isMember)
      : (chat.kind === "entity" || chat.kind === "system") && chat.isMember;
  const [query, setQuery] = useState("");
  const [confirmLeave, setConfirmLeave] = useState(false);
  const people = useQuery({ ...trpc.people.list.queryOptions({ sort: "name", query: query.trim() || undefined }), enabled: open && canInvite });
  const invite = useMutation(trpc.chat.invite.mutationOptions());
  const mute = useMutation(trpc.chat.setMuted.mutationOptions());
  const leave = useMutation(trpc.chat.leave.mutationOptions());
  const closeChat = useMutation(trpc.chat.close.mutationOptions());
  const reopen = useMutation(trpc.chat.reopen.mutationOptions());
  const canClose = chat.kind === "direct" || chat.kind === "sms";
  // Closed, and nothing has arrived since (a newer message opens it again by itself).
  const isClosed = chat.closedAt !== null && (chat.lastMessageAt === null || chat.lastMessageAt <= chat.closedAt);
  const memberIds = new Set((members.data ?? []).map((m) => m.id));
  const error = invite.error ?? mute.error ?? leave.error ?? closeChat.error ?? reopen.error;

  function close() {
    setConfirmLeave(false);
    onClose();
  }

  function leftChat() {
    void queryClient.invalidateQueries(trpc.chat.list.queryFilter());
    void queryClient.invalidateQueries(trpc.chat.get.queryFilter({ chatId: chat.id }));
    close();
    onGone();
  }

  return (
    <Sheet open={open} onClose={close} title={t("details")} closeLabel={t("close")}>
      <div className="stack">
        <div className={styles.detailActions}>
          <button
            type="button"
            className="button"
            aria-pressed={chat.muted}
            disabled={mute.isPending}
            onClick={() =>
              mute.mutate(
                { chatId: chat.id, muted: !chat.muted },
                { onSuccess: () => void queryClient.invalidateQueries(trpc.chat.pathFilter()) },
              )
            }
          >
            {chat.muted ? t("unmute") : t("mute")}
          </button>
          {canManage ? (
            <button type="button" className="button" onClick={onEditRoom}>
              {t("room.edit")}
            </button>
          ) : null}
          {canClose && !isClosed ? (
            <button type="button" className="button" disabled={closeChat.isPending} onClick={() => closeChat.mutate({ chatId: chat.id }, { onSuccess: leftChat })}>
              {t("closeChat")}
            </button>
          ) : null}
          {canClose && isClosed ? (
            <button
              type="button"
              className="button"
              disabled={reopen.isPending}
              onClick={() => reopen.mutate({ chatId: chat.id }, { onSuccess: () => void queryClient.invalidateQueries(trpc.chat.pathFilter()) })}
            >
              {t("reopenChat")}
            </button>
          ) : null}
          {canLeave && !confirmLeave ? (
            <button type="button" className="button" onClick={() => setConfirmLeave(true)}>
              {t("leave")}
            </button>
          ) : null}
        </div>
        {confirmLeave ? (
          <Confirm
            label={t("leave")}
            question={chat.kind === "room" && chat.visibility === "private" ? t("confirmLeavePrivate") : t("confirmLeave")}
            confirmLabel={t("leaveConfirmed")}
            cancelLabel={t("cancel")}
            pending={leave.isPending}
            onCancel={() => setConfirmLeave(false)}
            onConfirm={() => leave.mutate({ chatId: chat.id }, { onSuccess: leftChat })}
          />
        ) : null}
        <h3 className={styles.detailHeading}>{t("members")}</h3>
        <ul className={styles.readers}>
          {(members.data ?? []).map((member) => (
            <li key={member.id}>
              {member.name} <span className="muted">@{member.username}</span>
            </li>
          ))}
        </ul>
        {canInvite ? (
          <div className="stack">
            <label className="field">
              <span>{t("invite")}</span>
              <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder={t("invitePlaceholder")} />
            </label>
            <ul className={styles.readers}>
              {(people.data ?? [])
                .filter((person) => !memberIds.has(person.id))
                .slice(0, 8)
                .map((person) => (
                  <li key={person.id} className={styles.inviteRow}>
                    <span>{person.name}</span>
                    <button
                      type="button"
                      className="button"
                      disabled={invite.isPending}
                      onClick={() => invite.mutate({ chatId: chat.id, userId: person.id }, { onSuccess: () => void members.refetch() })}
                    >
                      {t("inviteOne")}
                    </button>
                  </li>
                ))}
            </ul>
          </div>
        ) : null}
        {error ? (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        ) : null}
      </div>
    </Sheet>
  );
}
