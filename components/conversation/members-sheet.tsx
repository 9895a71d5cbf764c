"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Sheet } from "~/components/ui/sheet";
import { useTRPC } from "~/lib/trpc/client";
import type { ChatSummary } from "~/lib/trpc/types";
import styles from "./conversation.module.css";

/** Who is in the chat; in a record's chat (or a public room) anyone may invite someone in. */
export function MembersSheet({ chat, open, onClose }: { chat: ChatSummary; open: boolean; onClose: () => void }) {
  const t = useTranslations("conversation");
  const trpc = useTRPC();
  const members = useQuery({ ...trpc.chat.members.queryOptions({ chatId: chat.id }), enabled: open });
  const canInvite = chat.kind === "entity" || chat.kind === "system" || (chat.kind === "room" && chat.visibility === "public");
  const [query, setQuery] = useState("");
  const people = useQuery({ ...trpc.people.list.queryOptions({ sort: "name", query: query.trim() || undefined }), enabled: open && canInvite });
  const invite = useMutation(trpc.chat.invite.mutationOptions());
  const memberIds = new Set((members.data ?? []).map((m) => m.id));

  return (
    <Sheet open={open} onClose={onClose} title={t("members")} closeLabel={t("close")}>
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
          {invite.error ? (
            <p className="form-error" role="alert">
              {invite.error.message}
            </p>
          ) : null}
        </div>
      ) : null}
    </Sheet>
  );
}
