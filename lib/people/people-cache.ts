import type { QueryClient, QueryFilters } from "@tanstack/react-query";
import type { StreamEvent } from "~/contracts/stream";
import type { Person } from "~/lib/trpc/types";
import { refresh } from "~/lib/query-refresh";

type PeopleEvent = Extract<StreamEvent, { type: "presence" | "status" }>;

/** A person (in a list, or a person's card) as the event leaves them. */
function changed<P extends Pick<Person, "id" | "online" | "status" | "statusText">>(person: P, event: PeopleEvent): P {
  if (event.type === "status") return person.id === event.userId ? { ...person, status: event.status, statusText: event.statusText } : person;
  const change = event.changes.find((c) => c.userId === person.id);
  return change ? { ...person, online: change.online } : person;
}

/**
 * The one writer of the People lists (and of single people's cards: a direct chat's header shows
 * the other person's presence from theirs) from the stream: a presence or status change patches
 * every loaded one. One still on its way may have read presence before this change (the server
 * broadcasts a change after it is stored, a second later), and it would land over the patch or,
 * on a first fetch, there is nothing yet to patch: such a fetch is restarted, so it reads after
 * the change.
 */
export function applyPeopleEvent(queryClient: QueryClient, lists: QueryFilters, event: PeopleEvent, cards?: QueryFilters): void {
  queryClient.setQueriesData<Person[]>(lists, (people) => people?.map((p) => changed(p, event)));
  if (cards) queryClient.setQueriesData<Person>(cards, (card) => (card ? changed(card, event) : card));
  // Chosen before the refresh: cancelling a first fetch leaves it idle.
  const onTheirWay = new Set([lists, ...(cards ? [cards] : [])].flatMap((filters) => queryClient.getQueryCache().findAll({ ...filters, fetchStatus: "fetching" })));
  if (onTheirWay.size > 0) refresh(queryClient, { predicate: (query) => onTheirWay.has(query) });
}
