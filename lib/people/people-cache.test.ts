import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { describe, expect, it, vi } from "vitest";
import type { StreamEvent } from "~/contracts/stream";
import type { Person } from "~/lib/trpc/types";
import { applyPeopleEvent } from "./people-cache";

const KEY = [["people", "list"], { input: { sort: "name" }, type: "query" }];
const LISTS = { queryKey: [["people", "list"]] };

const marta = (online: boolean) => ({ id: "marta", name: "Marta Manager", online, status: "available", statusText: "" }) as unknown as Person;

/**
 * A People list on screen whose fetches the test answers one by one, as a slow server would:
 * each call waits until the test resolves it with what the server read at that moment.
 */
function listOnScreen() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const calls: ((people: Person[]) => void)[] = [];
  const observer = new QueryObserver<Person[]>(queryClient, {
    queryKey: KEY,
    queryFn: () => new Promise<Person[]>((resolve) => calls.push(resolve)),
  });
  const unsubscribe = observer.subscribe(() => {});
  const data = () => queryClient.getQueryData<Person[]>(KEY);
  const answer = (call: number, people: Person[]) => calls[call]!(people);
  return { queryClient, calls, answer, data, unsubscribe };
}

const online: StreamEvent = { type: "presence", changes: [{ userId: "marta", online: true }] };

describe("the People list cache (lib/people/people-cache.ts)", () => {
  it("a presence change that arrives while the first fetch is on its way is not lost when that fetch lands", async () => {
    const { queryClient, calls, answer, data, unsubscribe } = listOnScreen();
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    applyPeopleEvent(queryClient, LISTS, online);
    // The first fetch read presence before Marta came online.
    answer(0, [marta(false)]);
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    answer(1, [marta(true)]);
    await vi.waitFor(() => expect(data()?.[0]?.online).toBe(true));
    unsubscribe();
  });

  it("a presence change that arrives during a refetch is not overwritten by what that refetch read before it", async () => {
    const { queryClient, calls, answer, data, unsubscribe } = listOnScreen();
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    answer(0, [marta(false)]);
    await vi.waitFor(() => expect(data()).toEqual([marta(false)]));
    void queryClient.refetchQueries(LISTS);
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    applyPeopleEvent(queryClient, LISTS, online);
    expect(data()?.[0]?.online).toBe(true);
    answer(1, [marta(false)]);
    await vi.waitFor(() => expect(calls).toHaveLength(3));
    answer(2, [marta(true)]);
    await vi.waitFor(() => expect(data()?.[0]?.online).toBe(true));
    expect(queryClient.isFetching()).toBe(0);
    unsubscribe();
  });

  it("a change with no list on its way patches the loaded list and fetches nothing", async () => {
    const { queryClient, calls, answer, data, unsubscribe } = listOnScreen();
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    answer(0, [marta(true)]);
    await vi.waitFor(() => expect(data()).toHaveLength(1));
    applyPeopleEvent(queryClient, LISTS, { type: "status", userId: "marta", status: "busy", statusText: "In a meeting" });
    expect(data()?.[0]).toMatchObject({ status: "busy", statusText: "In a meeting", online: true });
    expect(queryClient.isFetching()).toBe(0);
    expect(calls).toHaveLength(1);
    unsubscribe();
  });

  it("a presence change patches a loaded card of that person too (a direct chat's header reads it)", () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const cardKey = [["people", "get"], { input: { userId: "marta" }, type: "query" }];
    queryClient.setQueryData(cardKey, { ...marta(false), groups: [] });
    applyPeopleEvent(queryClient, LISTS, online, { queryKey: [["people", "get"]] });
    expect(queryClient.getQueryData<Person>(cardKey)?.online).toBe(true);
    applyPeopleEvent(queryClient, LISTS, { type: "status", userId: "marta", status: "away", statusText: "" }, { queryKey: [["people", "get"]] });
    expect(queryClient.getQueryData<Person>(cardKey)).toMatchObject({ online: true, status: "away", groups: [] });
  });
});
