import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("chats");
  return { title: t("title") };
}

/** On a tablet, the pane beside the list before a chat is picked (phones show only the list). */
export default async function ChatsPage() {
  const t = await getTranslations("chats");
  return <p className="muted" style={{ margin: "auto", padding: "2rem", textAlign: "center" }}>{t("pick")}</p>;
}
