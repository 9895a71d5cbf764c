import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db, Tx } from "~/db/client";
import { type Chat, approvals, chatAccess, chatMembers, chats, entities, groups, messageMentions, messages, settings, users } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import type { Envelope } from "~/server/realtime/envelope";
import { assertCanRead, canReadChat, chatAudience, isMembersOnlyRecordChat } from "./access";
import { writeAudit } from "./audit";
import type { Deps } from "./deps";
import { appendEvent } from "./events";
import { assertPermission } from "./permissions";

export const MAX_DIRECT_MEMBERS = 8;
const PREVIEW_LENGTH = 140;

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
 * A chat's title as the actor sees it, before the client adds the record key or a fallback
 * (components/chats/chat-title.ts): the other people's names for a direct chat, the record's
 * title for an entity chat. Needs `entities` joined to the chat's record.
 */
export function chatTitleSql(actorId: string) {
  return sql<string | null>`case when ${chats.kind} = 'direct' then (
    select string_agg(u.name, ', ' order by u.name) from ${chatMembers} cm join ${users} u on u.id = cm.user_id
    where cm.chat_id = ${chats.id} and cm.user_id <> ${actorId}) else coalesce(${entities.title}, ${chats.title}) end`;
}

const lastMessage = alias(messages, "last_message");
const lastSender = alias(users, "last_sender");

/** One row per chat the actor can read, shaped for the chat list. */
function chatSummaries(db: Db | Tx, actorId: string) {
  return db
    .select({
      id: chats.id,
      kind: chats.kind,
      visibility: chats.visibility,
      createdBy: chats.createdBy,
      title: chatTitleSql(actorId),
      entityType: chats.entityType,
      entityKey: chats.entityKey,
      entityStatus: entities.status,
      entityUrl: entities.url,
      // Open approval requests on the record, for its status chip (a correlated count: one query).
      pendingApprovals: sql<number>`case when ${chats.kind} = 'entity' then (
        select count(*) from ${approvals} where ${approvals.entityType} = ${chats.entityType} and ${approvals.entityKey} = ${chats.entityKey}
        and ${approvals.state} = 'pending' and (${approvals.expiresAt} is null or ${approvals.expiresAt} > now())) else 0 end`.mapWith(Number),
      lastSeq: chats.lastSeq,
      lastMessageAt: chats.lastMessageAt,
      createdAt: chats.createdAt,
      lastMessageSeq: lastMessage.seq,
      lastMessageBody: sql<string | null>`case when ${lastMessage.deletedAt} is null then left(${lastMessage.body}, ${PREVIEW_LENGTH}) end`,
      // A script's post or an approval card shows its label (the token's or requester's name), as in the chat.
      lastMessageSender: sql<string | null>`coalesce(${lastSender.name}, case when ${lastMessage.senderKind} = 'system' then coalesce(${lastMessage.senderLabel}, 'System') end)`,
      isMember: sql<boolean>`${chatMembers.userId} is not null`,
      muted: sql<boolean>`coalesce(${chatMembers.muted}, false)`,
      lastReadSeq: sql<number>`coalesce(${chatMembers.lastReadSeq}, 0)`.mapWith(Number),
      unread: sql<number>`case when ${chatMembers.userId} is null then 0 else greatest(${chats.lastSeq} - ${chatMembers.lastReadSeq}, 0) end`.mapWith(Number),
      // Unread messages that mention the actor: the list's "@" badge, shown even when muted.
      // Counted for non-members too (a public room): a mention is meant to reach them.
      mentions: sql<number>`(select count(*) from ${messageMentions} mm join ${messages} mm_m on mm_m.id = mm.message_id
        where mm.chat_id = ${chats.id} and mm.user_id = ${actorId} and mm_m.deleted_at is null
        and mm.seq > coalesce(${chatMembers.lastReadSeq}, 0))`.mapWith(Number),
    })
    .from(chats)
    .leftJoin(chatMembers, and(eq(chatMembers.chatId, chats.id), eq(chatMembers.userId, actorId)))
    .leftJoin(entities, and(eq(chats.kind, "entity"), eq(entities.type, chats.entityType), eq(entities.key, chats.entityKey)))
    .leftJoin(lastMessage, and(eq(lastMessage.chatId, chats.id), eq(lastMessage.seq, chats.lastSeq)))
    .leftJoin(lastSender, eq(lastSender.id, lastMessage.senderId))
    .$dynamic();
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof chatSummaries>["execute"]>>[number];

function toSummary(row: SummaryRow) {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    visibility: row.visibility,
    createdBy: row.createdBy,
    entity:
      row.entityType && row.entityKey
        ? { type: row.entityType, key: row.entityKey, status: row.entityStatus, url: row.entityUrl, pendingApprovals: row.pendingApprovals }
        : null,
    lastSeq: row.lastSeq,
    lastMessageAt: row.lastMessageAt,
    lastMessage:
      row.lastMessageSeq !== null
        ? { seq: row.lastMessageSeq, senderName: row.lastMessageSender ?? "", body: row.lastMessageBody }
        : null,
    isMember: row.isMember,
    muted: row.muted,
    lastReadSeq: row.lastReadSeq,
    unread: row.unread,
    mentions: row.mentions,
  };
}

export type ChatSummary = ReturnType<typeof toSummary>;

export async function listChats(db: Db, actor: Actor): Promise<ChatSummary[]> {
  const rows = await chatSummaries(db, actor.id)
    .where(canReadChat(actor.id))
    .orderBy(desc(sql`${chats.kind} = 'company'`), desc(sql`coalesce(${chats.lastMessageAt}, ${chats.createdAt})`));
  return rows.map(toSummary);
}

export async function getChat(db: Db | Tx, actor: Actor, chatId: string): Promise<ChatSummary> {
  await assertCanRead(db, actor, chatId);
  const [row] = await chatSummaries(db, actor.id).where(eq(chats.id, chatId));
  return toSummary(row!);
}

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

async function assertActiveUsers(db: Db | Tx, userIds: string[], field: string): Promise<void> {
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

function publishAfterCommit(deps: Deps, envelopes: Envelope[]) {
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

