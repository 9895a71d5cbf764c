import { and, eq, isNull, or } from "drizzle-orm";
import type { Db, Tx } from "~/db/client";
import { chatMembers, chats, entities, groupMembers, groups, messages, users } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import type { MessageDto } from "~/contracts/messages";
import { assertCanRead } from "./access";
import { type TokenRef, writeAudit } from "./audit";
import type { Deps } from "./deps";
import { appendEvent, appendEvents } from "./events";
import { findSystemMessage, insertSystemMessage, updateMessageData } from "~/server/services/message/system";
import { loadMessage } from "~/server/services/message/dto";
import { onDuty } from "./rotas";
import { assertTokenChat } from "./tokens";

/**
 * Chats created by scripts (PRODUCT.md C5). Participants are user names, user ids,
 * `group:<name>` or `on-duty:<rota>`.
 */
export async function resolveParticipants(db: Db, specs: string[], now = new Date()): Promise<string[]> {
  const ids = new Set<string>();
  const unknown: string[] = [];
  for (const spec of specs) {
    if (spec.startsWith("on-duty:")) {
      for (const id of await onDuty(db, spec.slice("on-duty:".length), now)) ids.add(id);
    } else if (spec.startsWith("group:")) {
      const name = spec.slice("group:".length);
      const [group] = await db.select({ id: groups.id }).from(groups).where(eq(groups.name, name));
      if (!group) {
        unknown.push(spec);
        continue;
      }
      const members = await db
        .select({ id: groupMembers.userId })
        .from(groupMembers)
        .innerJoin(users, eq(users.id, groupMembers.userId))
        .where(and(eq(groupMembers.groupId, group.id), isNull(users.deactivatedAt)));
      for (const m of members) ids.add(m.id);
    } else {
      const [user] = await db
        .select({ id: users.id })
        .from(users)
        .where(and(or(eq(users.username, spec.toLowerCase()), eq(users.id, spec)), isNull(users.deactivatedAt)));
      if (user) ids.add(user.id);
      else unknown.push(spec);
    }
  }
  if (unknown.length > 0) {
    const message = `Unknown participant${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`;
    throw new DomainError("invalid", message, { participants: message });
  }
  if (ids.size === 0) throw new DomainError("invalid", "Nobody to add", { participants: "Nobody to add" });
  return [...ids];
}

export type SystemPostInput = { message: string; takeable?: boolean; clientId?: string | null };

/**
 * A script's message, labelled with its token's name; "takeable" offers "I'll take it". Its
 * event is the caller's to append, last (insertSystemMessage).
 */
function insertTokenPost(tx: Tx, token: TokenRef, chatId: string, input: SystemPostInput) {
  return insertSystemMessage(tx, {
    chatId,
    body: input.message,
    kind: "text",
    label: token.name,
    clientId: input.clientId ?? null,
    data: input.takeable ? { type: "take", takenBy: null } : null,
  });
}

export type SystemChatInput = {
  title: string;
  participants: string[];
  message: string;
  /** "Whoever takes it": the first message offers "I'll take it". */
  takeable?: boolean;
  entity?: { type: string; key: string } | null;
  clientId?: string | null;
};

export async function createSystemChat(deps: Deps, token: TokenRef, input: SystemChatInput) {
  const userIds = await resolveParticipants(deps.db, input.participants);
  if (input.entity) {
    const [entity] = await deps.db
      .select({ id: entities.id })
      .from(entities)
      .where(and(eq(entities.type, input.entity.type), eq(entities.key, input.entity.key)));
    if (!entity) throw new DomainError("not_found", `No ${input.entity.type} with key ${input.entity.key}`);
  }
  const result = await deps.db.transaction(async (tx) => {
    const [chat] = await tx
      .insert(chats)
      .values({ kind: "system", title: input.title, entityType: input.entity?.type ?? null, entityKey: input.entity?.key ?? null })
      .returning({ id: chats.id });
    const chatId = chat!.id;
    await tx.insert(chatMembers).values(userIds.map((userId) => ({ chatId, userId })));
    await writeAudit(tx, token, { action: "system_chat.create", targetType: "chat", targetId: chatId, after: { title: input.title, participants: input.participants } });
    const { message, event } = await insertTokenPost(tx, token, chatId, input);
    const envelopes = await appendEvents(tx, [{ event: { type: "chat.changed", chatId, reason: "created" } }, { event }]);
    return { chatId, message, envelopes };
  });
  deps.realtime.publish(result.envelopes);
  deps.push.notify({ message: result.message });
  return { chatId: result.chatId, message: result.message, participants: userIds };
}

/** Posts as the token into a system or record chat. A retried clientId returns the original. */
export async function postAsSystem(deps: Deps, token: TokenRef & { chatId: string | null }, chatId: string, input: SystemPostInput) {
  assertTokenChat(token, chatId);
  const [chat] = await deps.db.select().from(chats).where(eq(chats.id, chatId));
  if (!chat) throw new DomainError("not_found", "No such chat");
  // A bound token is the way a site posts into "its" chat, whatever its kind; otherwise scripts
  // post where scripts belong: system chats and records' chats.
  if (!token.chatId && chat.kind !== "system" && chat.kind !== "entity") {
    throw new DomainError("forbidden", "Scripts post to system chats and records' chats only");
  }
  if (input.clientId) {
    const existing = await findSystemMessage(deps.db, chatId, input.clientId);
    if (existing) return existing;
  }
  const { message, envelope } = await deps.db.transaction(async (tx) => {
    const { message, event } = await insertTokenPost(tx, token, chatId, input);
    return { message, envelope: await appendEvent(tx, event) };
  });
  deps.realtime.publish([envelope]);
  deps.push.notify({ message });
  return message;
}

/**
 * "I'll take it": the first reader to take a request gets it, for everyone; a later attempt
 * is a conflict naming who has it.
 */
export async function takeRequest(deps: Deps, actor: Actor, messageId: string): Promise<MessageDto> {
  const [row] = await deps.db.select({ chatId: messages.chatId }).from(messages).where(eq(messages.id, messageId));
  if (!row) throw new DomainError("not_found", "No such message");
  await assertCanRead(deps.db, actor, row.chatId);
  const envelope = await deps.db.transaction(async (tx) => {
    const [locked] = await tx.select().from(messages).where(eq(messages.id, messageId)).for("update");
    const data = locked!.data;
    if (data?.type !== "take" || locked!.deletedAt) throw new DomainError("invalid", "This message is not a request to take");
    if (data.takenBy) {
      if (data.takenBy.id === actor.id) return null;
      throw new DomainError("conflict", `${data.takenBy.name} has already taken it`);
    }
    const { event } = await updateMessageData(tx, messageId, { type: "take", takenBy: { id: actor.id, name: actor.name, at: new Date().toISOString() } });
    await writeAudit(tx, actor, { action: "request.take", targetType: "message", targetId: messageId });
    return appendEvent(tx, event);
  });
  if (envelope) deps.realtime.publish([envelope]);
  return (await loadMessage(deps.db, messageId))!;
}
