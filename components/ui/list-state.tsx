"use client";

import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import styles from "./list-state.module.css";

/** What ListState reads of a query: TanStack Query's result has all of it. */
export type ListQuery = { isPending: boolean; isError: boolean; isFetching: boolean; refetch: () => unknown };

/** Placeholders shaped like the list that is coming. */
export function ListSkeleton({ count = 3, height }: { count?: number; /** Of each row, in px (default 88). */ height?: number }) {
  const t = useTranslations("ui");
  return (
    <div className={styles.skeleton} role="status" aria-busy="true">
      <span className="sr-only">{t("loading")}</span>
      {Array.from({ length: count }, (_, i) => (
        <span key={i} className={styles.bone} style={height ? { height } : undefined} aria-hidden="true" />
      ))}
    </div>
  );
}

/**
 * A load that failed, with the way to try again (disabled while the retry runs). `whole`: the
 * failure is the whole screen's (nothing else to show), so it stands centred below the header.
 */
export function LoadError({
  onRetry,
  isRetrying,
  message,
  retryLabel,
  whole,
}: {
  onRetry: () => void;
  isRetrying: boolean;
  message?: string;
  retryLabel?: string;
  whole?: boolean;
}) {
  const t = useTranslations("ui");
  return (
    <div className={whole ? `${styles.problem} ${styles.whole}` : styles.problem} role="alert">
      <p>{message ?? t("loadError")}</p>
      <button type="button" className="button" onClick={onRetry} disabled={isRetrying}>
        {retryLabel ?? t("retry")}
      </button>
    </div>
  );
}

/**
 * The four states of a list in one place: loading (a skeleton), failed (the error and Retry),
 * empty (what to say), and the list itself, which only renders once there is something in it.
 */
export function ListState({
  query,
  isEmpty,
  empty,
  skeleton,
  children,
}: {
  query: ListQuery;
  isEmpty: boolean;
  empty: ReactNode;
  /** Defaults to three bones. */
  skeleton?: ReactNode;
  children: ReactNode;
}) {
  if (query.isPending) return skeleton ?? <ListSkeleton />;
  if (query.isError) return <LoadError onRetry={() => void query.refetch()} isRetrying={query.isFetching} />;
  if (isEmpty) return <p className={styles.empty}>{empty}</p>;
  return children;
}

/**
 * A later load (another search, sort or filter) failed while the last list is still shown: the
 * list stays, and this line above it says so and offers to try again.
 */
export function StaleProblem({ message, retryLabel, query }: { message: string; retryLabel?: string; query: ListQuery }) {
  const t = useTranslations("ui");
  return (
    <div className={styles.stale} role="alert">
      <span>{message}</span>
      <button type="button" className="button" onClick={() => void query.refetch()} disabled={query.isFetching}>
        {retryLabel ?? t("retry")}
      </button>
    </div>
  );
}
