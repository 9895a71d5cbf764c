"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { putMessages } from "~/lib/chat/timeline-cache";
import { useTRPC } from "~/lib/trpc/client";
import type { MessageDto, ReactionDto } from "~/contracts/messages";
import styles from "./social.module.css";

export const QUICK_REACTIONS = ["👍", "✅", "👀", "❤️", "😂", "🙏"] as const;

/** The message with `me`'s reaction turned on or off, as the server will return it. */
function toggled(message: MessageDto, me: { id: string; name: string }, emoji: string, on: boolean): MessageDto {
  const reactions: ReactionDto[] = [];
  let found = false;
  for (const reaction of message.reactions) {
    if (reaction.emoji !== emoji) {
      reactions.push(reaction);
      continue;
    }
    found = true;
    const others = reaction.users.filter((u) => u.id !== me.id);
    const users = on ? [...others, me] : others;
    if (users.length > 0) reactions.push({ emoji, count: users.length, users });
  }
  if (!found && on) reactions.push({ emoji, count: 1, users: [me] });
  return { ...message, reactions };
}

/**
 * Turns the actor's reaction on or off. The chip changes at once; the server's answer (and the
 * `message.updated` every reader gets) replaces the guess, and a refusal puts the message back.
 */
export function useReact(me: { id: string; name: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const put = (message: MessageDto) => putMessages(queryClient, message.chatId, [message]);
  const mutation = useMutation(trpc.message.react.mutationOptions({ onSuccess: put }));
  return (message: MessageDto, emoji: string, on: boolean) => {
    put(toggled(message, me, emoji, on));
    mutation.mutate({ messageId: message.id, emoji, on }, { onError: () => put(message) });
  };
}

export function hasReacted(reaction: ReactionDto, me: string): boolean {
  return reaction.users.some((u) => u.id === me);
}

/** The chips under a bubble: one per emoji with its count; a tap adds or removes mine. */
export function Reactions({ message, me }: { message: MessageDto; me: { id: string; name: string } }) {
  const t = useTranslations("social");
  const react = useReact(me);
  if (message.reactions.length === 0 || message.deletedAt) return null;
  return (
    <ul className={styles.reactions} aria-label={t("reactions")}>
      {message.reactions.map((reaction) => {
        const isMine = hasReacted(reaction, me.id);
        return (
          <li key={reaction.emoji}>
            <button
              type="button"
              className={styles.reaction}
              aria-pressed={isMine}
              aria-label={t("reaction", { emoji: reaction.emoji, count: reaction.count, names: reaction.users.map((u) => u.name).join(", ") })}
              onClick={() => react(message, reaction.emoji, !isMine)}
            >
              <span aria-hidden="true">{reaction.emoji}</span>
              <span aria-hidden="true">{reaction.count}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/** Who reacted with what, for the message's action sheet. */
export function WhoReacted({ message }: { message: MessageDto }) {
  const t = useTranslations("social");
  if (message.reactions.length === 0) return <p className="muted">{t("nobodyReacted")}</p>;
  return (
    <ul className={styles.whoReacted}>
      {message.reactions.map((reaction) => (
        <li key={reaction.emoji}>
          <span className={styles.whoEmoji}>{reaction.emoji}</span>
          <span>{reaction.users.map((u) => u.name).join(", ")}</span>
        </li>
      ))}
    </ul>
  );
}
