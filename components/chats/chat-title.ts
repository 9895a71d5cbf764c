import type { ChatSummary } from "~/lib/trpc/types";

type Translate = (key: "companyChat" | "untitled" | "justYou") => string;

/** What a chat is called: the record's title, the other people's names, or its own title. */
export function chatTitle(chat: Pick<ChatSummary, "kind" | "title"> & { entity: { key: string } | null }, t: Translate): string {
  if (chat.kind === "company") return chat.title ?? t("companyChat");
  if (chat.kind === "entity" && chat.entity) return chat.title ? `${chat.entity.key} · ${chat.title}` : chat.entity.key;
  if (chat.kind === "direct") return chat.title ?? t("justYou");
  return chat.title ?? t("untitled");
}
