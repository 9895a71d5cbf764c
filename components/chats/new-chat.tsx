"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { Sheet } from "~/components/ui/sheet";
import { useCurrentUserId } from "~/lib/realtime/stream-provider";
import { useTRPC } from "~/lib/trpc/client";
import styles from "./chats.module.css";

type Mode = "direct" | "room";

function PeoplePicker({ selected, onToggle, max }: { selected: Set<string>; onToggle: (id: string) => void; max?: number }) {
  const t = useTranslations("chats.new");
  const trpc = useTRPC();
  const me = useCurrentUserId();
  const [query, setQuery] = useState("");
  const people = useQuery(trpc.people.list.queryOptions({ sort: "name", query: query.trim() || undefined }));
  return (
    <fieldset className={styles.picker}>
      <legend>{t("people")}</legend>
      <label className="field">
        <span className="sr-only">{t("searchPeople")}</span>
        <input type="search" placeholder={t("searchPeople")} value={query} onChange={(e) => setQuery(e.target.value)} />
      </label>
      <ul className={styles.pickList}>
        {(people.data ?? [])
          .filter((p) => p.id !== me)
          .map((person) => {
            const isChecked = selected.has(person.id);
            return (
              <li key={person.id}>
                <label className={styles.pickRow}>
                  <input
                    type="checkbox"
                    checked={isChecked}
                    disabled={!isChecked && max !== undefined && selected.size >= max}
                    onChange={() => onToggle(person.id)}
                  />
                  <span>{person.name}</span>
                  <span className="muted">@{person.username}</span>
                </label>
              </li>
            );
          })}
      </ul>
    </fieldset>
  );
}

function GroupPicker({ selected, onToggle }: { selected: Set<string>; onToggle: (id: string) => void }) {
  const t = useTranslations("chats.new");
  const trpc = useTRPC();
  const groups = useQuery(trpc.group.list.queryOptions());
  return (
    <fieldset className={styles.picker}>
      <legend>{t("groups")}</legend>
      <ul className={styles.pickList}>
        {(groups.data ?? []).map((group) => (
          <li key={group.id}>
            <label className={styles.pickRow}>
              <input type="checkbox" checked={selected.has(group.id)} onChange={() => onToggle(group.id)} />
              <span>{group.name}</span>
              <span className="muted">{t(`groupKind.${group.kind}`)}</span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

function toggle(set: Set<string>, id: string): Set<string> {
  const next = new Set(set);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/** "New": a direct message (1–7 others) or, for those allowed, a room. */
export function NewChat() {
  const t = useTranslations("chats.new");
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.user.me.queryOptions());
  const [open, setOpen] = useState(false);
  const [mode, setMode] = useState<Mode>("direct");
  const [people, setPeople] = useState<Set<string>>(new Set());
  const [groups, setGroups] = useState<Set<string>>(new Set());
  const [title, setTitle] = useState("");
  const [visibility, setVisibility] = useState<"public" | "private">("private");
  const openDirect = useMutation(trpc.chat.openDirect.mutationOptions());
  const createRoom = useMutation(trpc.chat.createRoom.mutationOptions());
  const pending = openDirect.isPending || createRoom.isPending;
  const error = openDirect.error ?? createRoom.error;

  function close() {
    setOpen(false);
    setPeople(new Set());
    setGroups(new Set());
    setTitle("");
    openDirect.reset();
    createRoom.reset();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const chat =
      mode === "direct"
        ? await openDirect.mutateAsync({ userIds: [...people] })
        : await createRoom.mutateAsync({
            title,
            visibility,
            access: visibility === "private" ? { userIds: [...people], groupIds: [...groups] } : undefined,
          });
    await queryClient.invalidateQueries(trpc.chat.list.queryFilter());
    close();
    router.push(`/chats/${chat.id}`);
  }

  const canCreateRooms = me.data?.can.createRooms ?? false;
  const canSubmit = mode === "direct" ? people.size > 0 : title.trim().length > 0;

  return (
    <>
      <button type="button" className="button" onClick={() => setOpen(true)}>
        {t("open")}
      </button>
      <Sheet open={open} onClose={close} title={t("title")} closeLabel={t("close")}>
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
            <>
              <label className="field">
                <span>{t("roomName")}</span>
                <input value={title} maxLength={80} onChange={(e) => setTitle(e.target.value)} required />
              </label>
              <fieldset className={styles.picker}>
                <legend>{t("visibility")}</legend>
                {(["private", "public"] as const).map((option) => (
                  <label key={option} className={styles.pickRow}>
                    <input type="radio" name="visibility" checked={visibility === option} onChange={() => setVisibility(option)} />
                    <span>{t(option)}</span>
                    <span className="muted">{t(`${option}Hint`)}</span>
                  </label>
                ))}
              </fieldset>
              {visibility === "private" ? (
                <>
                  <GroupPicker selected={groups} onToggle={(id) => setGroups((s) => toggle(s, id))} />
                  <PeoplePicker selected={people} onToggle={(id) => setPeople((s) => toggle(s, id))} />
                </>
              ) : null}
            </>
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
