import type { QueryClient } from "@tanstack/react-query";
import type { MessageDto } from "~/contracts/messages";
import { type Timeline, contiguousUpTo, holdWhileLoading, mergeMessages, timelineKey } from "./timeline";

/**
 * The only code that writes a chat's timeline into the query cache. Live events, outbox echoes,
 * reactions, history pages, jumps and a deleted chat's removal all come through here, so every
 * write keeps the same rules: merged by id (a newer version replaces an older one), in seq
 * order, and never a timeline created for a chat nobody has loaded (its first load reads the
 * server).
 */

function update(queryClient: QueryClient, chatId: string, change: (timeline: Timeline) => Timeline): void {
  queryClient.setQueryData<Timeline>(timelineKey(chatId), (timeline) => (timeline ? change(timeline) : timeline));
}

/** Messages the server sent back: a send's echo, a reaction's answer, an edit, a gap filled. */
export function putMessages(queryClient: QueryClient, chatId: string, messages: MessageDto[]): void {
  update(queryClient, chatId, (timeline) => ({ ...timeline, messages: mergeMessages(timeline.messages, messages) }));
}

/**
 * A message from the live stream. While the chat's first page is loading it is also held for
 * that load (which may have read the database before it committed). Returns the highest seq
 * below which the loaded timeline has no gap, or null when the chat is not loaded: a live
 * event lost on the way shows as a gap below the message's own seq.
 */
export function receiveLive(queryClient: QueryClient, message: MessageDto): number | null {
  const state = queryClient.getQueryState(timelineKey(message.chatId));
  if (state?.data === undefined && state?.fetchStatus === "fetching") holdWhileLoading(message.chatId, message);
  let known: number | null = null;
  update(queryClient, message.chatId, (timeline) => {
    const messages = mergeMessages(timeline.messages, [message]);
    known = contiguousUpTo(messages);
    return { ...timeline, messages };
  });
  return known;
}

/** The page before the oldest loaded message; the server says whether there is more. */
export function putOlderPage(queryClient: QueryClient, chatId: string, page: { messages: MessageDto[]; hasMore: boolean }): void {
  update(queryClient, chatId, (timeline) => ({ messages: mergeMessages(timeline.messages, page.messages), hasOlder: page.hasMore }));
}

/** History loaded down to a message (a jump from search): seqs are gap-free from 1, so the oldest one says whether anything is older. */
export function putHistory(queryClient: QueryClient, chatId: string, messages: MessageDto[]): void {
  update(queryClient, chatId, (timeline) => {
    const merged = mergeMessages(timeline.messages, messages);
    return { messages: merged, hasOlder: (merged[0]?.seq ?? 1) > 1 };
  });
}

/** A deleted chat: its timeline goes, so nothing shows it again from the cache. */
export function dropTimeline(queryClient: QueryClient, chatId: string): void {
  queryClient.removeQueries({ queryKey: timelineKey(chatId) });
}
