"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { Sheet } from "~/components/ui/sheet";
import { useTRPC } from "~/lib/trpc/client";
import { PeoplePicker, type RoomDraft, RoomFields, draftToInput, emptyRoomDraft, toggle } from "./room-fields";

type Mode = "direct" | "room";

/** The "New" sheet: a direct message (1–7 others) or, for those allowed, a room. Loaded when opened (chat-list.tsx). */
export function NewChatSheet({ onClose }: { onClose: () => void }) {
  const t = useTranslations("chats.new");
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.user.me.queryOptions());
  const [mode, setMode] = useState<Mode>("direct");
  const [people, setPeople] = useState<Set<string>>(new Set());
  const [room, setRoom] = useState<RoomDraft>(emptyRoomDraft);
  const openDirect = useMutation(trpc.chat.openDirect.mutationOptions());
  const createRoom = useMutation(trpc.chat.createRoom.mutationOptions());
  const pending = openDirect.isPending || createRoom.isPending;
  const error = openDirect.error ?? createRoom.error;

  const close = onClose;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const chat =
      mode === "direct"
        ? await openDirect.mutateAsync({ userIds: [...people] })
        : await createRoom.mutateAsync(draftToInput(room));
    await queryClient.invalidateQueries(trpc.chat.list.queryFilter());
    close();
    router.push(`/chats/${chat.id}`);
  }

  const canCreateRooms = me.data?.can.createRooms ?? false;
  const canSubmit = mode === "direct" ? people.size > 0 : room.title.trim().length > 0;

  return (
    <>
      <Sheet open onClose={close} title={t("title")} closeLabel={t("close")}>
        <form className="stack" onSubmit={(event) => void submit(event).catch(() => undefined)}>
          {canCreateRooms ? (
            <div className="segmented" role="group" aria-label={t("kind")}>
              {(["direct", "room"] as const).map((option) => (
                <button key={option} type="button" className="button button-quiet" aria-pressed={mode === option} onClick={() => setMode(option)}>
                  {t(option)}
                </button>
              ))}
            </div>
          ) : null}
          {mode === "room" ? (
            <RoomFields draft={room} onChange={setRoom} />
          ) : (
            <PeoplePicker selected={people} onToggle={(id) => setPeople((s) => toggle(s, id))} max={7} />
          )}
          {error ? (
            <p className="form-error" role="alert">
              {error.message}
            </p>
          ) : null}
          <button type="submit" className="button button-primary" disabled={!canSubmit || pending}>
            {mode === "direct" ? t("startDirect") : t("createRoom")}
          </button>
        </form>
      </Sheet>
    </>
  );
}
