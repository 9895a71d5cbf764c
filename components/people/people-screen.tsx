"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useMemo, useState } from "react";
import { SearchField } from "~/components/ui/search-field";
import { useCurrentUserId } from "~/lib/realtime/stream-provider";
import { useTRPC } from "~/lib/trpc/client";
import type { Person } from "~/lib/trpc/types";
import { PersonCard } from "./person-card";
import { PersonRow } from "./person-row";
import { PeopleSkeleton } from "./people-skeleton";
import styles from "./people-screen.module.css";
import { LoadError, StaleProblem } from "~/components/ui/list-state";
import { useDebounced } from "~/lib/use-debounced";

type Sort = "name" | "activity";

/** PRODUCT.md P1 and P3: who is online (first), search, sort, and a card for each person. */
export function PeopleScreen() {
  const t = useTranslations("people");
  const trpc = useTRPC();
  const myId = useCurrentUserId();
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState<Sort>("name");
  const [openId, setOpenId] = useState<string | null>(null);
  const query = useDebounced(search.trim(), 250);

  const people = useQuery({
    ...trpc.people.list.queryOptions({ sort, query: query || undefined }),
    // Keep the last list on screen while the next search or sort loads, instead of a skeleton per key.
    placeholderData: keepPreviousData,
  });
  // The server sorts online people first; live presence events change `online` in the cache, so
  // re-apply that order here (a stable sort keeps the server's order within each half). I am online.
  const list: Person[] = useMemo(() => {
    const isOnline = (person: Person) => Number(person.online || person.id === myId);
    return [...(people.data ?? [])].sort((a, b) => isOnline(b) - isOnline(a));
  }, [people.data, myId]);
  // The card shows the list's copy of the person, which the live stream keeps up to date.
  const open = openId ? (list.find((person) => person.id === openId) ?? null) : null;
  const onlineCount = list.filter((person) => person.online || person.id === myId).length;

  return (
    <main className={`page ${styles.page}`}>
      <div className={styles.header}>
        <h1 className={styles.title}>{t("title")}</h1>
        <SearchField
          label={t("searchLabel")}
          clearLabel={t("clearSearch")}
          value={search}
          onChange={setSearch}
          placeholder={t("searchPlaceholder")}
          maxLength={100}
        />
        <div className={styles.sort} role="group" aria-label={t("sortLabel")}>
          {(["name", "activity"] as const).map((option) => (
            <button
              key={option}
              type="button"
              className={`button button-quiet ${styles.sortButton}`}
              aria-pressed={sort === option}
              onClick={() => setSort(option)}
            >
              {t(`sort.${option}`)}
            </button>
          ))}
        </div>
      </div>

      {people.isPending ? (
        <PeopleSkeleton label={t("loading")} />
      ) : people.isError && !people.data ? (
        <LoadError whole message={t("error")} retryLabel={people.isFetching ? t("retrying") : t("retry")} onRetry={() => void people.refetch()} isRetrying={people.isFetching} />
      ) : list.length === 0 ? (
        <section className="empty-state" aria-labelledby="people-empty-title">
          <h2 id="people-empty-title">{query ? t("noMatchTitle", { query }) : t("emptyTitle")}</h2>
          <p className="muted">{query ? t("noMatchBody") : t("emptyBody")}</p>
          {query ? (
            <button type="button" className="button" onClick={() => setSearch("")}>
              {t("clearSearch")}
            </button>
          ) : null}
        </section>
      ) : (
        <>
          {people.isError ? (
            // A later search or sort failed: the last list stays, with the problem said above it.
            <StaleProblem message={t("error")} retryLabel={people.isFetching ? t("retrying") : t("retry")} query={people} />
          ) : null}
          <p className={styles.summary}>{t("summary", { online: onlineCount, total: list.length })}</p>
          <ul className={styles.list} aria-label={t("listLabel")} aria-busy={people.isFetching && people.isPlaceholderData}>
            {list.map((person) => (
              <li key={person.id}>
                <PersonRow person={person} isMe={person.id === myId} onOpen={() => setOpenId(person.id)} />
              </li>
            ))}
          </ul>
        </>
      )}

      {open ? <PersonCard person={open} isMe={open.id === myId} onClose={() => setOpenId(null)} /> : null}
    </main>
  );
}
