"use client";

import { useTranslations } from "next-intl";
import { useSyncExternalStore } from "react";
import { subscribeTyping, typistsIn } from "~/lib/realtime/typing-store";
import styles from "./conversation.module.css";

/** Who else is typing in the chat; an empty line (kept for the live region) when nobody is. */
export function TypingLine({ chatId, me }: { chatId: string; me: string }) {
  const t = useTranslations("conversation");
  const typists = useSyncExternalStore(
    subscribeTyping,
    () => typistsIn(chatId),
    () => typistsIn(chatId),
  ).filter((typist) => typist.userId !== me);
  return (
    <p className={styles.typing} aria-live="polite">
      {typists.length === 1 ? t("typingOne", { name: typists[0]!.name }) : typists.length > 1 ? t("typingMany", { count: typists.length }) : ""}
    </p>
  );
}
