import { Conversation } from "~/components/conversation/conversation";

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
  // Keyed by chat so switching chats on a tablet starts each conversation fresh.
  return <Conversation key={chatId} chatId={chatId} at={seq} />;
}
