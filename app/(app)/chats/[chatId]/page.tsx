import { Conversation } from "~/components/conversation/conversation";

export default async function ChatPage({ params }: { params: Promise<{ chatId: string }> }) {
  const { chatId } = await params;
  // Keyed by chat so switching chats on a tablet starts each conversation fresh.
  return <Conversation key={chatId} chatId={chatId} />;
}
