"use client";

import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useCurrentUserId } from "~/lib/realtime/stream-provider";
import { useTRPC } from "~/lib/trpc/client";
import type { MessageDto } from "~/contracts/messages";
import { EmojiPicker } from "./emoji-picker";
import { QUICK_REACTIONS, hasReacted, useReact } from "./reactions";
import styles from "./social.module.css";

function useMe() {
  const trpc = useTRPC();
  const id = useCurrentUserId();
  const profile = useQuery(trpc.user.me.queryOptions());
  return { id, name: profile.data?.name ?? "" };
}

/**
 * The top of a message's action sheet: quick reactions (a tap turns mine on or off, then the
 * sheet closes), "More emoji…" and, once someone reacted, "Who reacted".
 */
export function ReactionActions({
  message,
  onDone,
  onMore,
  onWho,
}: {
  message: MessageDto;
  onDone: () => void;
  onMore: () => void;
  onWho: () => void;
}) {
  const t = useTranslations("social");
  const me = useMe();
  const react = useReact(me);
  return (
    <>
      <div className={styles.quick} role="group" aria-label={t("quickReactions")}>
        {QUICK_REACTIONS.map((emoji) => {
          const reaction = message.reactions.find((r) => r.emoji === emoji);
          const isMine = reaction ? hasReacted(reaction, me.id) : false;
          return (
            <button
              key={emoji}
              type="button"
              className={styles.quickEmoji}
              aria-pressed={isMine}
              aria-label={t("reactWith", { emoji })}
              onClick={() => {
                react(message, emoji, !isMine);
                onDone();
              }}
            >
              {emoji}
            </button>
          );
        })}
      </div>
      <button type="button" className="button" onClick={onMore}>
        {t("moreEmoji")}
      </button>
      {message.reactions.length > 0 ? (
        <button type="button" className="button" onClick={onWho}>
          {t("whoReacted")}
        </button>
      ) : null}
    </>
  );
}

/** "More emoji…": any emoji as a reaction. */
export function ReactWithAny({ message, onDone }: { message: MessageDto; onDone: () => void }) {
  const react = useReact(useMe());
  return (
    <EmojiPicker
      onPick={(emoji) => {
        react(message, emoji, true);
        onDone();
      }}
    />
  );
}
