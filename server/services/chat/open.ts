/**
 * Chats that exist once per subject: the company chat, a direct chat per group of people, a
 * record's chat.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import { chatAccess, chatMembers, chats, entities, settings, users } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import { canReadChat, isMembersOnlyRecordChat } from "~/server/services/access";
import type { Deps } from "~/server/services/deps";
import { appendEvent } from "~/server/services/events";
import { type ChatSummary, getChat } from "./list";
import { assertActiveUsers, publishAfterCommit } from "./rooms";

export const MAX_DIRECT_MEMBERS = 8;

/**
 * The company chat exists from the first start (PRODUCT.md C1) and everyone is in it, so its
 * unread count is everyone's. Safe to call on every start.
 */
export async function ensureCompanyChat(db: Db): Promise<string> {
  const [org] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, "organisation"));
  const title = (org?.value as { name?: string } | undefined)?.name ?? null;
  await db.insert(chats).values({ kind: "company", title, visibility: "public" }).onConflictDoNothing();
  const [chat] = await db.select({ id: chats.id, lastSeq: chats.lastSeq }).from(chats).where(eq(chats.kind, "company"));
  await db.execute(sql`
    insert into ${chatMembers} (chat_id, user_id, last_read_seq)
    select ${chat!.id}, ${users.id}, ${chat!.lastSeq} from ${users} where ${users.deactivatedAt} is null
    on conflict do nothing`);
  return chat!.id;
}

/**
 * The direct chat between the actor and `userIds` (2–8 people in all), created on first open.
 * Creating it tells nobody: the others see it only once the first message is sent.
 */
export async function openDirect(deps: Deps, actor: Actor, userIds: string[]): Promise<ChatSummary> {
  const memberIds = [...new Set([actor.id, ...userIds])].sort();
  if (memberIds.length < 2) throw new DomainError("invalid", "Choose someone to write to", { userIds: "Choose someone to write to" });
  if (memberIds.length > MAX_DIRECT_MEMBERS) {
    throw new DomainError("invalid", `A direct chat has at most ${MAX_DIRECT_MEMBERS} people`, {
      userIds: `At most ${MAX_DIRECT_MEMBERS} people`,
    });
  }
  await assertActiveUsers(deps.db, memberIds, "userIds");
  const directKey = memberIds.join(",");
  const chatId = await deps.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(chats)
      .values({ kind: "direct", directKey, visibility: "private", createdBy: actor.id })
      .onConflictDoNothing()
      .returning({ id: chats.id });
    if (created) {
      await tx
        .insert(chatMembers)
        .values(memberIds.map((userId) => ({ chatId: created.id, userId, hidden: userId !== actor.id })));
      return created.id;
    }
    const [existing] = await tx.select({ id: chats.id }).from(chats).where(eq(chats.directKey, directKey));
    await tx
      .update(chatMembers)
      .set({ hidden: false })
      .where(and(eq(chatMembers.chatId, existing!.id), eq(chatMembers.userId, actor.id)));
    return existing!.id;
  });
  return getChat(deps.db, actor, chatId);
}

/**
 * The record's chat, created on first open; opening it makes the actor a member. Of a type with
 * `visibility: "members"` only someone on the chat's access list may open it (canReadChat);
 * `asCreator` puts the person who just created the record on that list first.
 */
export async function openForEntity(
  deps: Deps,
  actor: Actor,
  input: { type: string; key: string },
  options: { asCreator?: boolean } = {},
): Promise<ChatSummary> {
  const [entity] = await deps.db
    .select()
    .from(entities)
    .where(and(eq(entities.type, input.type), eq(entities.key, input.key)));
  if (!entity) throw new DomainError("not_found", `No ${input.type} with key ${input.key}`);
  const { chatId, envelope } = await deps.db.transaction(async (tx) => {
    await tx
      .insert(chats)
      .values({ kind: "entity", entityType: entity.type, entityKey: entity.key, title: entity.title, visibility: "private" })
      .onConflictDoNothing();
    const [chat] = await tx
      .select({ id: chats.id, lastSeq: chats.lastSeq })
      .from(chats)
      .where(and(eq(chats.kind, "entity"), eq(chats.entityType, entity.type), eq(chats.entityKey, entity.key)));
    if (options.asCreator) await tx.insert(chatAccess).values({ chatId: chat!.id, userId: actor.id }).onConflictDoNothing();
    // Members-only types: refused before joining, since joining is what opens an open type's chat.
    const [readable] = await tx
      .select({ ok: sql<boolean>`${chats.kind} = 'entity' and (${canReadChat(actor.id)} or not ${isMembersOnlyRecordChat()})` })
      .from(chats)
      .where(eq(chats.id, chat!.id));
    if (!readable?.ok) throw new DomainError("forbidden", "You do not have access to this chat");
    const [joined] = await tx
      .insert(chatMembers)
      .values({ chatId: chat!.id, userId: actor.id, lastReadSeq: chat!.lastSeq })
      .onConflictDoNothing()
      .returning({ userId: chatMembers.userId });
    const envelope = joined ? await appendEvent(tx, { type: "chat.changed", chatId: chat!.id, reason: "members" }) : null;
    return { chatId: chat!.id, envelope };
  });
  if (envelope) publishAfterCommit(deps, [envelope]);
  return getChat(deps.db, actor, chatId);
}
