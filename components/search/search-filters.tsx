"use client";

import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useId } from "react";
import { chatTitle } from "~/components/chats/chat-title";
import { useTRPC } from "~/lib/trpc/client";
import styles from "./search-screen.module.css";
import { Checkbox } from "~/components/ui/checkbox";

/** As the fields hold them: dates are the date inputs' "YYYY-MM-DD" (the user's own days). */
export type Filters = { chatId: string; senderId: string; from: string; to: string; hasFile: boolean };

export const emptyFilters: Filters = { chatId: "", senderId: "", from: "", to: "", hasFile: false };

export function activeFilterCount(filters: Filters): number {
  return Object.values(filters).filter(Boolean).length;
}

/** Midnight starting a local day; `days` later for the end of a range. */
function localDay(value: string, days = 0): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return undefined;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days);
}

/** The filters as search.messages takes them; the "to" day is included (up to the next midnight). */
export function filtersInput(filters: Filters) {
  // Dates typed the wrong way round mean the days between them.
  const [first, last] = filters.from && filters.to && filters.from > filters.to ? [filters.to, filters.from] : [filters.from, filters.to];
  return {
    chatId: filters.chatId || undefined,
    senderId: filters.senderId || undefined,
    from: localDay(first),
    to: localDay(last, 1),
    hasFile: filters.hasFile || undefined,
  };
}

export function SearchFilters({ filters, onChange }: { filters: Filters; onChange: (filters: Filters) => void }) {
  const t = useTranslations("search");
  const tChats = useTranslations("chats");
  const trpc = useTRPC();
  const id = useId();
  const chats = useQuery(trpc.chat.list.queryOptions());
  const people = useQuery(trpc.people.list.queryOptions({ sort: "name" }));
  const set = (change: Partial<Filters>) => onChange({ ...filters, ...change });

  return (
    <div className={styles.filters}>
      <div className="field">
        <label htmlFor={`${id}-chat`}>{t("chat")}</label>
        <select id={`${id}-chat`} value={filters.chatId} onChange={(event) => set({ chatId: event.target.value })}>
          <option value="">{t("anyChat")}</option>
          {(chats.data ?? []).map((chat) => (
            <option key={chat.id} value={chat.id}>
              {chatTitle(chat, tChats)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-person`}>{t("person")}</label>
        <select id={`${id}-person`} value={filters.senderId} onChange={(event) => set({ senderId: event.target.value })}>
          <option value="">{t("anyone")}</option>
          {(people.data ?? []).map((person) => (
            <option key={person.id} value={person.id}>
              {person.name}
            </option>
          ))}
        </select>
      </div>
      <div className={styles.dates}>
        <div className="field">
          <label htmlFor={`${id}-from`}>{t("from")}</label>
          <input id={`${id}-from`} type="date" value={filters.from} max={filters.to || undefined} onChange={(event) => set({ from: event.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>{t("to")}</label>
          <input id={`${id}-to`} type="date" value={filters.to} min={filters.from || undefined} onChange={(event) => set({ to: event.target.value })} />
        </div>
      </div>
      <Checkbox checked={filters.hasFile} onChange={(hasFile) => set({ hasFile })}>
        <span>{t("hasFile")}</span>
      </Checkbox>
      {activeFilterCount(filters) > 0 ? (
        <button type="button" className="button button-quiet" onClick={() => onChange(emptyFilters)}>
          {t("resetFilters")}
        </button>
      ) : null}
    </div>
  );
}
