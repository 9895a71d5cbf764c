import { and, eq, sql } from "drizzle-orm";
import { messages } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import { assertCanRead } from "~/server/services/access";
import type { Deps } from "~/server/services/deps";
import { appendEvent } from "~/server/services/events";
import { insertSystemMessage } from "~/server/services/message/system";
import { loadMessage } from "~/server/services/message/dto";
import { assertPermission } from "~/server/services/permissions";
import { enqueueWebhooks } from "~/server/services/webhooks";

export type RecordAction = "note" | "task";

const LABEL: Record<RecordAction, string> = { note: "a note", task: "a task" };

/**
 * "Add note/task to record" (PRODUCT.md M9): hands a message of a record's chat to the host
 * system through the outgoing webhooks (event `message.action`) and confirms it in the chat.
 * The same message goes once per kind: a second tap must not make a second task over there.
 */
export async function sendToRecord(deps: Deps, actor: Actor, input: { messageId: string; action: RecordAction }) {
  const message = await loadMessage(deps.db, input.messageId);
  if (!message) throw new DomainError("not_found", "No such message");
  const chat = await assertCanRead(deps.db, actor, message.chatId);
  await assertPermission(deps.db, actor, "useChat", "You may not post messages");
  if (chat.kind !== "entity" || !chat.entityType || !chat.entityKey) {
    throw new DomainError("invalid", "Only a message in a record's chat can go to the record");
  }
  if (message.deletedAt) throw new DomainError("conflict", "This message was deleted");

  const result = await deps.db.transaction(async (tx) => {
    // Serialises two taps on the same message (one per kind), so the check below holds.
    await tx.execute(sql`select 1 from ${messages} where ${messages.id} = ${message.id} for update`);
    const [earlier] = await tx
      .select({ data: messages.data })
      .from(messages)
      .where(
        and(
          eq(messages.chatId, chat.id),
          sql`${messages.data} @> ${JSON.stringify({ type: "action", action: input.action, messageId: message.id })}::jsonb`,
        ),
      )
      .limit(1);
    if (earlier?.data?.type === "action") {
      throw new DomainError("conflict", `${earlier.data.by.name} already added this message as ${LABEL[input.action]}`);
    }
    const delivered = await enqueueWebhooks(tx, "message.action", {
      action: input.action,
      chat: { id: chat.id, entity: { type: chat.entityType, key: chat.entityKey } },
      message: {
        id: message.id,
        seq: message.seq,
        body: message.body,
        sender: { id: message.sender.id, name: message.sender.name },
        attachments: message.attachments.map((a) => ({ id: a.id, name: a.name, contentType: a.contentType, size: a.size })),
        createdAt: message.createdAt.toISOString(),
      },
      by: { id: actor.id, username: actor.username, name: actor.name },
    });
    // Nothing would receive it: say so rather than confirm a note that goes nowhere.
    if (delivered === 0) {
      throw new DomainError("conflict", "No host system receives notes and tasks yet: an admin adds a webhook for “Add note or task to record”");
    }
    const quoted = (message.body ?? "").replace(/\s+/g, " ").slice(0, 80);
    const { event } = await insertSystemMessage(tx, {
      chatId: chat.id,
      kind: "system",
      body: `${actor.name} added a message to ${chat.entityKey} as ${LABEL[input.action]}${quoted ? `: “${quoted}”` : ""}`,
      data: { type: "action", action: input.action, messageId: message.id, by: { id: actor.id, name: actor.name } },
    });
    return { envelope: await appendEvent(tx, event) };
  });
  deps.realtime.publish([result.envelope]);
  void deps.webhooks.kick().catch((error: unknown) => console.error("[webhooks]", error));
  return { ok: true as const };
}
