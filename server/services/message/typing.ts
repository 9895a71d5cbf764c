import type { Actor } from "~/server/domain-error";
import { assertCanRead } from "~/server/services/access";
import type { Deps } from "~/server/services/deps";

export const TYPING_TTL_MS = 5_000;

/** Ephemeral: published to the chat's other readers, never stored. */
export async function typing(deps: Deps, actor: Actor, input: { chatId: string }): Promise<void> {
  const chat = await assertCanRead(deps.db, actor, input.chatId);
  // The others must not learn of a direct chat before its first message (PRODUCT.md C3).
  if (chat.kind === "direct" && chat.lastSeq === 0) return;
  deps.realtime.publish([
    {
      chatId: chat.id,
      event: { type: "typing", chatId: chat.id, userId: actor.id, name: actor.name, expiresInMs: TYPING_TTL_MS },
      except: actor.id,
    },
  ]);
}
