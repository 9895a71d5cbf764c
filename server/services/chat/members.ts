/**
 * Who is in a chat: listing, inviting, joining, leaving, muting.
 */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import { chatAccess, chatMembers, chats, users } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import { assertCanRead, canReadChat } from "~/server/services/access";
import type { Deps } from "~/server/services/deps";
import { appendEvent } from "~/server/services/events";
import { type ChatSummary, getChat } from "./list";
import { assertActiveUsers, publishAfterCommit } from "./rooms";

/** Members as people see them: everyone for company chat, the readers of private rooms and records' chats. */
export async function listMembers(db: Db, actor: Actor, chatId: string) {
  const chat = await assertCanRead(db, actor, chatId);
  const columns = {
    id: users.id,
    name: users.name,
    username: sql<string>`coalesce(${users.username}, '')`,
    role: users.role,
    lastReadSeq: sql<number>`coalesce(${chatMembers.lastReadSeq}, 0)`.mapWith(Number),
  };
  const memberJoin = and(eq(chatMembers.chatId, chatId), eq(chatMembers.userId, users.id));
  const active = isNull(users.deactivatedAt);
  if (chat.kind === "company") {
    return db.select(columns).from(users).leftJoin(chatMembers, memberJoin).where(active).orderBy(asc(users.name));
  }
  // Private rooms and records' chats: whoever may read it (of a members-only record type, its
  // access list, not whoever joined before the type was closed).
  if ((chat.kind === "room" && chat.visibility === "private") || chat.kind === "entity") {
    return db
      .select(columns)
      .from(users)
      .innerJoin(chats, eq(chats.id, chatId))
      .leftJoin(chatMembers, memberJoin)
      .where(and(active, canReadChat(sql`${users.id}`)))
      .orderBy(asc(users.name));
  }
  return db
    .select(columns)
    .from(chatMembers)
    .innerJoin(users, eq(users.id, chatMembers.userId))
    .where(and(eq(chatMembers.chatId, chatId), active))
    .orderBy(asc(users.name));
}

/** Adds someone to an entity, system or public room chat the actor is in. */
export async function inviteToChat(deps: Deps, actor: Actor, input: { chatId: string; userId: string }): Promise<void> {
  const chat = await assertCanRead(deps.db, actor, input.chatId);
  if (chat.kind === "direct" || chat.kind === "company") {
    throw new DomainError("invalid", "People cannot be invited into this chat");
  }
  if (chat.kind === "room" && chat.visibility === "private") {
    throw new DomainError("invalid", "Change the room's access list to let someone in");
  }
  await assertActiveUsers(deps.db, [input.userId], "userId");
  const envelope = await deps.db.transaction(async (tx) => {
    // An invitation into a record's chat is explicit: it also counts once the record's type is
    // (or becomes) members-only, which joining by scanning does not (access.ts).
    if (chat.kind === "entity") await tx.insert(chatAccess).values({ chatId: chat.id, userId: input.userId }).onConflictDoNothing();
    const [joined] = await tx
      .insert(chatMembers)
      .values({ chatId: chat.id, userId: input.userId })
      .onConflictDoNothing()
      .returning({ userId: chatMembers.userId });
    return joined ? appendEvent(tx, { type: "chat.changed", chatId: chat.id, reason: "members" }) : null;
  });
  if (envelope) publishAfterCommit(deps, [envelope]);
}

/** Joins a chat one can read but is not a member of (a public room, the company chat). */
export async function joinChat(deps: Deps, actor: Actor, chatId: string): Promise<ChatSummary> {
  const chat = await assertCanRead(deps.db, actor, chatId);
  await deps.db
    .insert(chatMembers)
    .values({ chatId, userId: actor.id, lastReadSeq: chat.lastSeq })
    .onConflictDoNothing();
  return getChat(deps.db, actor, chatId);
}

/** Leaves a room or a record's chat; a private room or a record's chat also drops the actor from its access list. */
export async function leaveChat(deps: Deps, actor: Actor, chatId: string): Promise<void> {
  const chat = await assertCanRead(deps.db, actor, chatId);
  if (chat.kind === "company" || chat.kind === "direct") throw new DomainError("invalid", "This chat cannot be left");
  if (chat.kind === "room" && chat.createdBy === actor.id) {
    throw new DomainError("invalid", "You created this room: delete it, or let an admin take it over");
  }
  const envelope = await deps.db.transaction(async (tx) => {
    await tx.delete(chatMembers).where(and(eq(chatMembers.chatId, chatId), eq(chatMembers.userId, actor.id)));
    if ((chat.kind === "room" && chat.visibility === "private") || chat.kind === "entity") {
      await tx.delete(chatAccess).where(and(eq(chatAccess.chatId, chatId), eq(chatAccess.userId, actor.id)));
      // Leaving must mean losing access; through a group it would not, so say so and change nothing.
      const [still] = await tx.select({ ok: sql<boolean>`${canReadChat(actor.id)}` }).from(chats).where(eq(chats.id, chatId));
      if (still?.ok) throw new DomainError("invalid", "You are in this room through a group; ask its creator to change who can read it");
    }
    return appendEvent(tx, { type: "chat.changed", chatId, reason: "members" }, { also: [actor.id] });
  });
  publishAfterCommit(deps, [envelope]);
}

export async function setMuted(db: Db, actor: Actor, input: { chatId: string; muted: boolean }): Promise<void> {
  const chat = await assertCanRead(db, actor, input.chatId);
  await db
    .insert(chatMembers)
    .values({ chatId: chat.id, userId: actor.id, muted: input.muted, lastReadSeq: chat.lastSeq })
    .onConflictDoUpdate({ target: [chatMembers.chatId, chatMembers.userId], set: { muted: input.muted } });
}
