import { type Actor, DomainError } from "~/server/domain-error";
import type { MessageDto } from "~/contracts/messages";
import { runReact, settled } from "./change-statements";
import type { Deps } from "~/server/services/deps";
import { messageRefusal, publishUpdated } from "~/server/services/message/change";

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
  const result = await settled(() => runReact(deps.db, actor, input, MAX_DISTINCT_EMOJI));
  switch (result.outcome) {
    case "not_found":
    case "forbidden":
    case "deleted":
      throw messageRefusal(result.outcome);
    case "too_many":
      throw new DomainError("invalid", `At most ${MAX_DISTINCT_EMOJI} different emoji on one message`, { emoji: "Too many emoji" });
    case "unchanged":
      return result.message;
    case "changed":
      publishUpdated(deps, result);
      return result.message;
  }
}
