"use client";

import { useTranslations } from "next-intl";
import { Sheet } from "~/components/ui/sheet";
import { EmojiPicker } from "./emoji-picker";

/** The composer's emoji picker in a sheet; it stays open so several can be picked in a row. */
export function EmojiSheet({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  const t = useTranslations("social");
  const tConversation = useTranslations("conversation");
  return (
    <Sheet open onClose={onClose} title={t("emojiTitle")} closeLabel={tConversation("close")}>
      <EmojiPicker onPick={onPick} />
    </Sheet>
  );
}
