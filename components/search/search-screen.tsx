"use client";

import { keepPreviousData, useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useId, useState } from "react";
import { SearchField } from "~/components/ui/search-field";
import { useTRPC } from "~/lib/trpc/client";
import { type Filters, SearchFilters, activeFilterCount, emptyFilters, filtersInput } from "./search-filters";
import { SearchResultRow } from "./search-result";
import styles from "./search-screen.module.css";
import { LoadError, StaleProblem } from "~/components/ui/list-state";
import { useDebounced } from "~/lib/use-debounced";

export type SearchState = { q: string; filters: Filters };

/** The query and filters live in the address, so Back from a result returns to the same list. */
function writeToAddress({ q, filters }: SearchState) {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value === true ? "1" : value);
  const search = params.toString();
  window.history.replaceState(null, "", search ? `/search?${search}` : "/search");
}

const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);

function readFromAddress(params: URLSearchParams): SearchState {
  const chatId = params.get("chatId") ?? "";
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  return {
    q: (params.get("q") ?? "").slice(0, 200),
    filters: {
      chatId: /^[0-9a-f-]{36}$/i.test(chatId) ? chatId : "",
      senderId: (params.get("senderId") ?? "").slice(0, 64),
      from: isDate(from) ? from : "",
      to: isDate(to) ? to : "",
      hasFile: params.get("hasFile") === "1",
    },
  };
}

/** PRODUCT.md M8: messages from every chat the user may read, by words, with filters. */
export function SearchScreen() {
  const params = useSearchParams();
  const [initial] = useState(() => readFromAddress(new URLSearchParams(params.toString())));
  const t = useTranslations("search");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const searchId = useId();
  const [text, setText] = useState(initial.q);
  const [filters, setFilters] = useState<Filters>(initial.filters);
  const [filtersOpen, setFiltersOpen] = useState(activeFilterCount(initial.filters) > 0);
  const q = useDebounced(text.trim(), 250);
  const input = { q, ...filtersInput(filters) };

  useEffect(() => writeToAddress({ q, filters }), [q, filters]);

  const results = useInfiniteQuery({
    queryKey: ["search", input],
    queryFn: ({ pageParam }) =>
      queryClient.fetchQuery({ ...trpc.search.messages.queryOptions({ ...input, before: pageParam }), staleTime: 0 }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    enabled: q.length > 0,
    // The last results stay on screen while the next search loads, instead of a flash of nothing.
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  const found = results.data?.pages.flatMap((page) => page.results) ?? [];
  const filterCount = activeFilterCount(filters);

  return (
    <main className={`page ${styles.page}`}>
      <div className={styles.header} data-filters-open={filtersOpen}>
        <div className={styles.titleRow}>
          <Link href="/chats" className={`button button-quiet ${styles.back}`} aria-label={t("back")}>
            <span aria-hidden="true">←</span>
          </Link>
          <h1 className={styles.title}>{t("title")}</h1>
        </div>
        <SearchField
          label={t("label")}
          clearLabel={t("clear")}
          value={text}
          onChange={setText}
          onSubmit={() => (document.activeElement as HTMLElement | null)?.blur()}
          placeholder={t("placeholder")}
          maxLength={200}
          // Opening Search is asking to type.
          autoFocus={!initial.q}
        />
        <button
          type="button"
          className={`button button-quiet ${styles.filtersToggle}`}
          aria-expanded={filtersOpen}
          aria-controls={`${searchId}-filters`}
          onClick={() => setFiltersOpen((open) => !open)}
        >
          <span>{t("filters")}</span>
          {filterCount > 0 ? <span className={styles.count}>{t("filtersActive", { count: filterCount })}</span> : null}
          <span aria-hidden="true" className={styles.chevron} data-open={filtersOpen}>
            ▾
          </span>
        </button>
        <div id={`${searchId}-filters`} hidden={!filtersOpen}>
          {filtersOpen ? <SearchFilters filters={filters} onChange={setFilters} /> : null}
        </div>
      </div>

      {!q ? (
        <p className={styles.hint}>{t("hint")}</p>
      ) : results.isPending ? (
        <p className={styles.status} role="status">
          {t("loading")}
        </p>
      ) : results.isError && found.length === 0 ? (
        <LoadError whole message={t("error")} retryLabel={t("retry")} onRetry={() => void results.refetch()} isRetrying={results.isFetching} />
      ) : found.length === 0 ? (
        <section className="empty-state" aria-labelledby="search-empty-title">
          <h2 id="search-empty-title">{t("noMatchTitle", { query: q })}</h2>
          <p className="muted">{t("noMatchBody")}</p>
          {filterCount > 0 ? (
            <button type="button" className="button" onClick={() => setFilters(emptyFilters)}>
              {t("resetFilters")}
            </button>
          ) : null}
        </section>
      ) : (
        <>
          {results.isError ? (
            <StaleProblem message={t("error")} query={results} />
          ) : null}
          <ul className={styles.list} aria-label={t("resultsLabel")} aria-busy={results.isFetching && results.isPlaceholderData}>
            {found.map((result) => (
              <li key={result.id}>
                <SearchResultRow result={result} />
              </li>
            ))}
          </ul>
          {results.hasNextPage ? (
            <div className={styles.more}>
              <button type="button" className="button" onClick={() => void results.fetchNextPage()} disabled={results.isFetchingNextPage}>
                {results.isFetchingNextPage ? t("loadingMore") : t("more")}
              </button>
            </div>
          ) : null}
        </>
      )}
    </main>
  );
}
