import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { ChatHistory } from "~/components/chats/chat-history";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("chats.history");
  return { title: t("title") };
}

/** The chats this person closed (the TrackerChat document's Chat History), beside the list on a tablet. */
export default function ChatHistoryPage() {
  return <ChatHistory />;
}
