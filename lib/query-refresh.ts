import type { QueryClient, QueryFilters } from "@tanstack/react-query";

/**
 * Marks queries stale and fetches the ones on screen again. A first fetch still on its way is
 * restarted too: TanStack would let it finish (invalidating a query without data keeps its
 * in-flight request), and it may have read the database before the change this event reports.
 * One already retrying after a failure is left alone: its next attempt reads afresh anyway.
 */
export function refresh(queryClient: QueryClient, filters: QueryFilters): void {
  const isFirstFetch = (query: { state: { data: unknown; fetchStatus: string; fetchFailureCount: number } }) =>
    query.state.data === undefined && query.state.fetchStatus === "fetching" && query.state.fetchFailureCount === 0;
  void queryClient
    .cancelQueries({ ...filters, predicate: (query) => isFirstFetch(query) && (filters.predicate?.(query) ?? true) })
    .then(() => queryClient.invalidateQueries(filters));
}
