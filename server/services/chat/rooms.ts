/**
 * Rooms: created, changed and deleted by their creator (or an admin), with their access lists.
 */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db, Tx } from "~/db/client";
import { type Chat, chatAccess, chatMembers, chats, groups, users } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import type { Envelope } from "~/server/realtime/envelope";
import { assertCanRead, canReadChat, chatAudience } from "~/server/services/access";
import { writeAudit } from "~/server/services/audit";
import type { Deps } from "~/server/services/deps";
import { appendEvent } from "~/server/services/events";
import { assertPermission } from "~/server/services/permissions";
import { chatSummaries, type ChatSummary, getChat, toSummary } from "./list";

export async function assertActiveUsers(db: Db | Tx, userIds: string[], field: string): Promise<void> {
  if (userIds.length === 0) return;
  const found = await db
    .select({ id: users.id })
    .from(users)
    .where(and(inArray(users.id, userIds), isNull(users.deactivatedAt)));
  if (found.length !== new Set(userIds).size) throw new DomainError("invalid", "Unknown user", { [field]: "Unknown user" });
}

async function assertGroups(db: Db | Tx, groupIds: string[]): Promise<void> {
  if (groupIds.length === 0) return;
  const found = await db.select({ id: groups.id }).from(groups).where(inArray(groups.id, groupIds));
  if (found.length !== new Set(groupIds).size) throw new DomainError("invalid", "Unknown group", { groupIds: "Unknown group" });
}

export type RoomAccess = { userIds: string[]; groupIds: string[] };

async function writeAccess(tx: Tx, chatId: string, access: RoomAccess) {
  await tx.delete(chatAccess).where(eq(chatAccess.chatId, chatId));
  const rows = [
    ...[...new Set(access.userIds)].map((userId) => ({ chatId, userId })),
    ...[...new Set(access.groupIds)].map((groupId) => ({ chatId, groupId })),
  ];
  if (rows.length > 0) await tx.insert(chatAccess).values(rows);
}

export function publishAfterCommit(deps: Deps, envelopes: Envelope[]) {
  deps.realtime.publish(envelopes);
}

export async function createRoom(
  deps: Deps,
  actor: Actor,
  input: { title: string; visibility: "public" | "private"; access?: RoomAccess },
): Promise<ChatSummary> {
  await assertPermission(deps.db, actor, "createRooms", "You may not create rooms");
  const access = input.access ?? { userIds: [], groupIds: [] };
  await assertActiveUsers(deps.db, access.userIds, "userIds");
  await assertGroups(deps.db, access.groupIds);
  const { chatId, envelope } = await deps.db.transaction(async (tx) => {
    const [chat] = await tx
      .insert(chats)
      .values({ kind: "room", title: input.title, visibility: input.visibility, createdBy: actor.id })
      .returning({ id: chats.id });
    const chatId = chat!.id;
    await tx.insert(chatMembers).values({ chatId, userId: actor.id, role: "owner" });
    if (input.visibility === "private") await writeAccess(tx, chatId, access);
    const envelope = await appendEvent(tx, { type: "chat.changed", chatId, reason: "created" });
    return { chatId, envelope };
  });
  publishAfterCommit(deps, [envelope]);
  return getChat(deps.db, actor, chatId);
}

/** The creator, or an admin even when the room is closed to them (they administer, not read). */
async function loadRoomForManagement(db: Db | Tx, actor: Actor, chatId: string) {
  let chat: Chat;
  if (actor.role === "admin") {
    const [row] = await db.select().from(chats).where(eq(chats.id, chatId));
    if (!row) throw new DomainError("not_found", "No such chat");
    chat = row;
  } else {
    chat = await assertCanRead(db, actor, chatId);
  }
  if (chat.kind !== "room") throw new DomainError("invalid", "Only rooms can be changed this way");
  if (chat.createdBy !== actor.id && actor.role !== "admin") {
    throw new DomainError("forbidden", "Only the room's creator or an admin can change it");
  }
  return chat;
}

/** Users who could read the chat before a change, to tell them if they lose it. */
async function previousReaders(db: Db, chatId: string): Promise<string[] | "all"> {
  const audience = await chatAudience(db, chatId);
  if (!audience) return [];
  return audience.all ? "all" : [...audience.userIds];
}

export async function updateRoom(
  deps: Deps,
  actor: Actor,
  input: { chatId: string; title?: string; visibility?: "public" | "private"; access?: RoomAccess },
): Promise<ChatSummary> {
  const before = await loadRoomForManagement(deps.db, actor, input.chatId);
  if (input.access) {
    await assertActiveUsers(deps.db, input.access.userIds, "userIds");
    await assertGroups(deps.db, input.access.groupIds);
  }
  const accessChanges = input.access !== undefined || (input.visibility !== undefined && input.visibility !== before.visibility);
  const also = accessChanges ? await previousReaders(deps.db, input.chatId) : undefined;
  const envelope = await deps.db.transaction(async (tx) => {
    await tx
      .update(chats)
      .set({ title: input.title ?? before.title, visibility: input.visibility ?? before.visibility })
      .where(eq(chats.id, input.chatId));
    if (input.access) await writeAccess(tx, input.chatId, input.access);
    if (accessChanges) {
      await writeAudit(tx, actor, {
        action: "room.access",
        targetType: "chat",
        targetId: input.chatId,
        before: { visibility: before.visibility },
        after: { visibility: input.visibility ?? before.visibility, access: input.access ?? null },
      });
    }
    return appendEvent(
      tx,
      { type: "chat.changed", chatId: input.chatId, reason: accessChanges ? "access" : "renamed" },
      { also },
    );
  });
  publishAfterCommit(deps, [envelope]);
  return unsafeRoomSummary(deps.db, actor, input.chatId);
}

/**
 * The room as its manager sees it. Skips the read check because an admin manages rooms they
 * cannot read; then nothing of the conversation is shown.
 */
async function unsafeRoomSummary(db: Db, actor: Actor, chatId: string): Promise<ChatSummary> {
  const [row] = await chatSummaries(db, actor.id).where(eq(chats.id, chatId));
  const summary = toSummary(row!);
  const [readable] = await db.select({ ok: sql<boolean>`${canReadChat(actor.id)}` }).from(chats).where(eq(chats.id, chatId));
  return readable?.ok ? summary : { ...summary, lastMessage: null, unread: 0, lastReadSeq: 0 };
}

export async function getRoomAccess(db: Db, actor: Actor, chatId: string): Promise<RoomAccess> {
  await loadRoomForManagement(db, actor, chatId);
  const rows = await db.select().from(chatAccess).where(eq(chatAccess.chatId, chatId));
  return {
    userIds: rows.flatMap((r) => (r.userId ? [r.userId] : [])),
    groupIds: rows.flatMap((r) => (r.groupId ? [r.groupId] : [])),
  };
}

export async function deleteRoom(deps: Deps, actor: Actor, chatId: string): Promise<void> {
  const chat = await loadRoomForManagement(deps.db, actor, chatId);
  const also = await previousReaders(deps.db, chatId);
  const envelope = await deps.db.transaction(async (tx) => {
    await tx.delete(chats).where(eq(chats.id, chatId));
    await writeAudit(tx, actor, { action: "room.delete", targetType: "chat", targetId: chatId, before: { title: chat.title } });
    return appendEvent(tx, { type: "chat.deleted", chatId }, { also });
  });
  publishAfterCommit(deps, [envelope]);
}
