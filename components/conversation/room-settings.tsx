"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { type RoomDraft, RoomFields, draftToInput } from "~/components/chats/room-fields";
import { Sheet } from "~/components/ui/sheet";
import { useTRPC } from "~/lib/trpc/client";
import type { ChatSummary } from "~/lib/trpc/types";
import { Confirm } from "./confirm";
import styles from "./conversation.module.css";

/** Rename a room, change who can read it, or delete it: for its creator and admins. */
export function RoomSettings({ chat, open, onClose }: { chat: ChatSummary; open: boolean; onClose: () => void }) {
  const t = useTranslations("conversation");
  const trpc = useTRPC();
  const access = useQuery({ ...trpc.chat.roomAccess.queryOptions({ chatId: chat.id }), enabled: open });
  return (
    <Sheet open={open} onClose={onClose} title={t("room.title")} closeLabel={t("close")}>
      {access.isPending ? <div className={styles.skeleton} role="status" aria-label={t("loading")} /> : null}
      {access.isError ? (
        <div className="stack" role="alert">
          <p>{access.error.message}</p>
          <button type="button" className="button" onClick={() => void access.refetch()}>
            {t("retry")}
          </button>
        </div>
      ) : null}
      {access.data ? (
        <RoomForm
          chat={chat}
          initial={{
            title: chat.title ?? "",
            visibility: chat.visibility,
            people: new Set(access.data.userIds),
            groups: new Set(access.data.groupIds),
          }}
          onDone={onClose}
        />
      ) : null}
    </Sheet>
  );
}

function RoomForm({ chat, initial, onDone }: { chat: ChatSummary; initial: RoomDraft; onDone: () => void }) {
  const t = useTranslations("conversation");
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(initial);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const update = useMutation(trpc.chat.updateRoom.mutationOptions());
  const remove = useMutation(trpc.chat.deleteRoom.mutationOptions());
  const error = update.error ?? remove.error;

  function save(event: FormEvent) {
    event.preventDefault();
    update.mutate(
      { chatId: chat.id, ...draftToInput(draft) },
      {
        onSuccess: () => {
          void queryClient.invalidateQueries(trpc.chat.pathFilter());
          onDone();
        },
      },
    );
  }

  return (
    <form className="stack" onSubmit={save}>
      <RoomFields draft={draft} onChange={setDraft} />
      {error ? (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      ) : null}
      <button type="submit" className="button button-primary" disabled={draft.title.trim().length === 0 || update.isPending}>
        {update.isPending ? t("room.saving") : t("room.save")}
      </button>
      {confirmDelete ? (
        <Confirm
          label={t("room.delete")}
          question={t("room.confirmDelete")}
          confirmLabel={t("room.deleteConfirmed")}
          cancelLabel={t("cancel")}
          pending={remove.isPending}
          onCancel={() => setConfirmDelete(false)}
          onConfirm={() =>
            remove.mutate(
              { chatId: chat.id },
              {
                onSuccess: () => {
                  void queryClient.invalidateQueries(trpc.chat.list.queryFilter());
                  onDone();
                  router.push("/chats");
                },
              },
            )
          }
        />
      ) : (
        <button type="button" className="button button-quiet" onClick={() => setConfirmDelete(true)}>
          {t("room.delete")}
        </button>
      )}
    </form>
  );
}
