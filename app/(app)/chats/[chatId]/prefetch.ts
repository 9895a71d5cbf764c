import "server-only";
import { QueryClient, dehydrate, type DehydratedState } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { TIMELINE_PAGE, type Timeline, timelineKey } from "~/lib/chat/timeline";
import { appRouter, createCaller } from "~/server/api/root";
import { createServerContext } from "~/server/api/server-caller";

/**
 * What the conversation shows first — the chat (an SMS window's contact too), who I am, its
 * members and the newest page of messages — read while the server renders the page, so the
 * messages are in the HTML instead of arriving after the JavaScript (a cheap phone on a slow
 * network sees them seconds sooner). The browser's query cache starts from this under the same
 * keys its own queries use; the live stream's first connection fetches every query again
 * (lib/realtime/stream-provider.tsx), so nothing sent in between is missed. A read that fails
 * is left out: the browser asks again and shows the error as it always did.
 */
export async function prefetchConversation(headers: Headers, chatId: string): Promise<DehydratedState> {
  const ctx = await createServerContext(headers);
  const queryClient = new QueryClient();
  const trpc = createTRPCOptionsProxy({ router: appRouter, ctx, queryClient });
  const [, , , page] = await Promise.all([
    queryClient.prefetchQuery(trpc.chat.get.queryOptions({ chatId })).then(async () => {
      // An SMS window also shows its contact (the number, an opt-out) and the segment limit.
      if (queryClient.getQueryData(trpc.chat.get.queryKey({ chatId }))?.kind !== "sms") return;
      await Promise.all([queryClient.prefetchQuery(trpc.sms.forChat.queryOptions({ chatId })), queryClient.prefetchQuery(trpc.sms.setup.queryOptions())]);
    }),
    queryClient.prefetchQuery(trpc.user.me.queryOptions()),
    queryClient.prefetchQuery(trpc.chat.members.queryOptions({ chatId })),
    // Not a query option: the timeline lives under its own key (lib/chat/timeline.ts), with
    // its paging state, so the page is read directly and written there below.
    createCaller(ctx)
      .message.list({ chatId, limit: TIMELINE_PAGE })
      .catch(() => null),
  ]);
  if (page) queryClient.setQueryData<Timeline>(timelineKey(chatId), { messages: page.messages, hasOlder: page.hasMore, renderedAt: Date.now() });
  return dehydrate(queryClient);
}
