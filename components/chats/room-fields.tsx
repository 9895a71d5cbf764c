"use client";

import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useCurrentUserId } from "~/lib/realtime/stream-provider";
import { useTRPC } from "~/lib/trpc/client";
import styles from "./chats.module.css";

export function toggle(set: Set<string>, id: string): Set<string> {
  const next = new Set(set);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

export function PeoplePicker({ selected, onToggle, max }: { selected: Set<string>; onToggle: (id: string) => void; max?: number }) {
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

export type RoomDraft = {
  title: string;
  visibility: "public" | "private";
  people: Set<string>;
  groups: Set<string>;
};

export const emptyRoomDraft = (): RoomDraft => ({ title: "", visibility: "private", people: new Set(), groups: new Set() });

/** A room's name, who can read it and, when private, its access list: shared by "New" and room settings. */
export function RoomFields({ draft, onChange }: { draft: RoomDraft; onChange: (draft: RoomDraft) => void }) {
  const t = useTranslations("chats.new");
  return (
    <>
      <label className="field">
        <span>{t("roomName")}</span>
        <input value={draft.title} maxLength={80} onChange={(e) => onChange({ ...draft, title: e.target.value })} required />
      </label>
      <fieldset className={styles.picker}>
        <legend>{t("visibility")}</legend>
        {(["private", "public"] as const).map((option) => (
          <label key={option} className={styles.pickRow}>
            <input type="radio" name="visibility" checked={draft.visibility === option} onChange={() => onChange({ ...draft, visibility: option })} />
            <span>{t(option)}</span>
            <span className="muted">{t(`${option}Hint`)}</span>
          </label>
        ))}
      </fieldset>
      {draft.visibility === "private" ? (
        <>
          <GroupPicker selected={draft.groups} onToggle={(id) => onChange({ ...draft, groups: toggle(draft.groups, id) })} />
          <PeoplePicker selected={draft.people} onToggle={(id) => onChange({ ...draft, people: toggle(draft.people, id) })} />
        </>
      ) : null}
    </>
  );
}

export function draftToInput(draft: RoomDraft) {
  return {
    title: draft.title,
    visibility: draft.visibility,
    access: draft.visibility === "private" ? { userIds: [...draft.people], groupIds: [...draft.groups] } : undefined,
  };
}
