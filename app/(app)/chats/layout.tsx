import type { ReactNode } from "react";
import { ChatList } from "~/components/chats/chat-list";
import { ChatsSplit } from "~/components/chats/chats-split";

export default function ChatsLayout({ children }: { children: ReactNode }) {
  return <ChatsSplit list={<ChatList />}>{children}</ChatsSplit>;
}
