import { HydrationBoundary } from "@tanstack/react-query";
import { cookies, headers } from "next/headers";
import { Conversation } from "~/components/conversation/conversation";
import { TIME_ZONE_COOKIE, timeZoneFrom } from "~/lib/i18n/time-zone";
import { prefetchConversation } from "./prefetch";

export default async function ChatPage({
  params,
  searchParams,
}: {
  params: Promise<{ chatId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { chatId } = await params;
  // `?at=<seq>`: open at that message (a search result).
  const { at } = await searchParams;
  const seq = typeof at === "string" && /^\d{1,15}$/.test(at) ? Number(at) : undefined;
  // Rendered with its messages only once the browser has said its time zone: times and day
  // dividers drawn here in another zone would not match the browser's (lib/i18n/time-zone.ts).
  const hasTimeZone = timeZoneFrom((await cookies()).get(TIME_ZONE_COOKIE)?.value) !== undefined;
  const state = hasTimeZone ? await prefetchConversation(await headers(), chatId) : undefined;
  // Keyed by chat so switching chats on a tablet starts each conversation fresh.
  return (
    <HydrationBoundary state={state}>
      <Conversation key={chatId} chatId={chatId} at={seq} />
    </HydrationBoundary>
  );
}
