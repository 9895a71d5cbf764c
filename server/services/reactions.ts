import { and, countDistinct, eq } from "drizzle-orm";
import { messageReactions, messages } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import type { MessageDto } from "~/server/realtime/events";
import { assertCanRead } from "./access";
import type { Deps } from "./deps";
import { appendEvent } from "./events";
import { loadMessage } from "./messages";

/** Reactions on messages (PRODUCT.md M5): one row per person and emoji, live for every reader. */

export const MAX_EMOJI_LENGTH = 32;
/** Distinct emoji on one message: enough for any real use, short of a wall of them. */
export const MAX_DISTINCT_EMOJI = 20;

const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

/** One emoji as one grapheme (a flag, a skin tone or a family sequence included), nothing else. */
export function isSingleEmoji(text: string): boolean {
  if (text.length === 0 || text.length > MAX_EMOJI_LENGTH) return false;
  const graphemes = [...segmenter.segment(text)];
  return graphemes.length === 1 && PICTOGRAPHIC.test(text);
}

export type ReactInput = { messageId: string; emoji: string; on: boolean };

/**
 * Adds (on) or removes (off) the actor's reaction. Both are idempotent: adding twice is one
 * reaction, removing one that is not there changes nothing, and only a real change is
 * announced (`message.updated` with the fresh message, so every open view redraws it).
 */
export async function react(deps: Deps, actor: Actor, input: ReactInput): Promise<MessageDto> {
  if (!isSingleEmoji(input.emoji)) throw new DomainError("invalid", "React with one emoji", { emoji: "One emoji" });
  const [message] = await deps.db
    .select({ id: messages.id, chatId: messages.chatId, deletedAt: messages.deletedAt })
    .from(messages)
    .where(eq(messages.id, input.messageId));
  if (!message) throw new DomainError("not_found", "No such message");
  await assertCanRead(deps.db, actor, message.chatId);
  if (message.deletedAt) throw new DomainError("conflict", "This message was deleted");

  const result = await deps.db.transaction(async (tx) => {
    let changed: boolean;
    if (input.on) {
      const [used] = await tx
        .select({ distinct: countDistinct(messageReactions.emoji) })
        .from(messageReactions)
        .where(eq(messageReactions.messageId, message.id));
      const [already] = await tx
        .select({ emoji: messageReactions.emoji })
        .from(messageReactions)
        .where(and(eq(messageReactions.messageId, message.id), eq(messageReactions.emoji, input.emoji)))
        .limit(1);
      if (!already && (used?.distinct ?? 0) >= MAX_DISTINCT_EMOJI) {
        throw new DomainError("invalid", `At most ${MAX_DISTINCT_EMOJI} different emoji on one message`, { emoji: "Too many emoji" });
      }
      const inserted = await tx
        .insert(messageReactions)
        .values({ messageId: message.id, userId: actor.id, emoji: input.emoji })
        .onConflictDoNothing()
        .returning({ emoji: messageReactions.emoji });
      changed = inserted.length > 0;
    } else {
      const deleted = await tx
        .delete(messageReactions)
        .where(and(eq(messageReactions.messageId, message.id), eq(messageReactions.userId, actor.id), eq(messageReactions.emoji, input.emoji)))
        .returning({ emoji: messageReactions.emoji });
      changed = deleted.length > 0;
    }
    const dto = (await loadMessage(tx, message.id))!;
    const envelope = changed ? await appendEvent(tx, { type: "message.updated", chatId: message.chatId, message: dto }) : null;
    return { dto, envelope };
  });
  if (result.envelope) deps.realtime.publish([result.envelope]);
  return result.dto;
}
