import type { QueryClient, QueryFilters } from "@tanstack/react-query";
import type { StreamEvent } from "~/contracts/stream";
import type { Person } from "~/lib/trpc/types";
import { refresh } from "~/lib/query-refresh";

type PeopleEvent = Extract<StreamEvent, { type: "presence" | "status" }>;

/**
 * The one writer of the People lists from the stream: a presence or status change patches every
 * loaded list. A list still on its way may have read presence before this change (the server
 * broadcasts a change after it is stored, a second later), and it would land over the patch or,
 * on a first fetch, there is nothing yet to patch: such a fetch is restarted, so it reads after
 * the change.
 */
export function applyPeopleEvent(queryClient: QueryClient, lists: QueryFilters, event: PeopleEvent): void {
  queryClient.setQueriesData<Person[]>(lists, (people) =>
    people?.map((p) => {
      if (event.type === "status") return p.id === event.userId ? { ...p, status: event.status, statusText: event.statusText } : p;
      const change = event.changes.find((c) => c.userId === p.id);
      return change ? { ...p, online: change.online } : p;
    }),
  );
  // Chosen before the refresh: cancelling a first fetch leaves it idle.
  const onTheirWay = new Set(queryClient.getQueryCache().findAll({ ...lists, fetchStatus: "fetching" }));
  if (onTheirWay.size > 0) refresh(queryClient, { ...lists, predicate: (query) => onTheirWay.has(query) });
}
