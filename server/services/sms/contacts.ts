/**
 * SMS contacts and their chat windows (PRODUCT.md C6): who may be texted, found by name,
 * number or record, and the one chat per contact that every SMS user shares.
 */
import { and, asc, desc, eq, isNotNull, or, sql } from "drizzle-orm";
import type { CountryCode } from "libphonenumber-js";
import { type Db, type Tx, rawRows } from "~/db/client";
import { chatMembers, chats, entities, smsContacts, users } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import { writeAudit } from "~/server/services/audit";
import { appendEvent } from "~/server/services/events";
import type { Envelope } from "~/server/realtime/envelope";
import { assertPermission, roleHasPermission } from "~/server/services/permissions";
import { displayPhone, parsePhone } from "./phone";
import { getSmsSettings } from "./settings";

/** Everyone who may use SMS now (the `sms` permission, settings overrides included), active ones only. */
export function smsUserIds() {
  return sql`select u.id from ${users} u where u.deactivated_at is null and ${roleHasPermission(sql`u.role`, "sms")}`;
}

/**
 * The contact's chat window, made on first use, with every SMS user in it (they share the
 * contact: PRODUCT.md C6); someone given the permission later is added when they next open or
 * when the contact next writes. Returns the chat and the event that announces it, if any.
 */
export async function ensureContactChat(tx: Tx, contact: { id: string; name: string; chatId: string | null }): Promise<{ chatId: string; envelope: Envelope | null }> {
  let chatId = contact.chatId;
  let created = false;
  if (!chatId) {
    const [chat] = await tx.insert(chats).values({ kind: "sms", title: contact.name, visibility: "private" }).returning({ id: chats.id });
    chatId = chat!.id;
    created = true;
    await tx.update(smsContacts).set({ chatId }).where(eq(smsContacts.id, contact.id));
  }
  const joined = await rawRows<{ user_id: string }>(tx, sql`insert into ${chatMembers} (chat_id, user_id, last_read_seq)
    select ${chatId}::uuid, s.id, (select last_seq from ${chats} where id = ${chatId}::uuid) from (${smsUserIds()}) s
    on conflict do nothing returning user_id`);
  const changed = created || joined.length > 0;
  const envelope = changed ? await appendEvent(tx, { type: "chat.changed", chatId, reason: created ? "created" : "members" }) : null;
  return { chatId, envelope };
}

export type ContactListItem = {
  id: string;
  name: string;
  phone: string;
  phoneDisplay: string;
  verified: boolean;
  optedOut: boolean;
  user: { id: string; name: string; username: string | null } | null;
  record: { type: string; key: string; title: string } | null;
  chatId: string | null;
  unread: number;
};

export const CONTACT_LIST_LIMIT = 100;

/**
 * The contacts an SMS user can open: verified numbers and records' numbers (as the SMS document
 * says), searched by name, number or record, unread first.
 */
export async function listContacts(db: Db, actor: Actor, input: { q?: string; all?: boolean }): Promise<ContactListItem[]> {
  await assertPermission(db, actor, "sms", "You may not use SMS");
  // Every contact, unverified ones included, is the admins' list (to verify them).
  if (input.all) assertAdmin(actor);
  const q = (input.q ?? "").trim().toLowerCase();
  const digits = q.replace(/[^\d]/g, "");
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const matches = q
    ? or(
        sql`lower(${smsContacts.name}) like ${like}`,
        digits.length >= 3 ? sql`${smsContacts.phone} like ${`%${digits}%`}` : undefined,
        sql`lower(${entities.key}) like ${like}`,
        sql`lower(${entities.title}) like ${like}`,
      )
    : undefined;
  const unread = sql<number>`coalesce((select greatest(c.last_seq - cm.last_read_seq, 0) from ${chats} c join ${chatMembers} cm on cm.chat_id = c.id and cm.user_id = ${actor.id} where c.id = ${smsContacts.chatId}), 0)::int`;
  const rows = await db
    .select({
      id: smsContacts.id,
      name: smsContacts.name,
      phone: smsContacts.phone,
      verified: smsContacts.verified,
      optedOutAt: smsContacts.optedOutAt,
      userId: users.id,
      userName: users.name,
      username: users.username,
      recordType: entities.type,
      recordKey: entities.key,
      recordTitle: entities.title,
      chatId: smsContacts.chatId,
      unread,
    })
    .from(smsContacts)
    .leftJoin(users, eq(users.id, smsContacts.userId))
    .leftJoin(entities, eq(entities.id, smsContacts.entityId))
    .where(and(input.all ? undefined : or(eq(smsContacts.verified, true), isNotNull(smsContacts.entityId)), matches))
    .orderBy(desc(unread), asc(sql`lower(${smsContacts.name})`))
    .limit(CONTACT_LIST_LIMIT);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    phone: r.phone,
    phoneDisplay: displayPhone(r.phone),
    verified: r.verified,
    optedOut: r.optedOutAt !== null,
    user: r.userId ? { id: r.userId, name: r.userName!, username: r.username } : null,
    record: r.recordType ? { type: r.recordType, key: r.recordKey!, title: r.recordTitle! } : null,
    chatId: r.chatId,
    unread: r.unread,
  }));
}

/** Opens the contact's chat window for an SMS user (made on first open). */
export async function openContact(db: Db, actor: Actor, contactId: string): Promise<{ chatId: string; envelope: Envelope | null }> {
  await assertPermission(db, actor, "sms", "You may not use SMS");
  return db.transaction(async (tx) => {
    const [contact] = await tx.select().from(smsContacts).where(eq(smsContacts.id, contactId)).for("update");
    if (!contact) throw new DomainError("not_found", "No such contact");
    return ensureContactChat(tx, contact);
  });
}

/**
 * The contact behind an SMS chat, for its window's header: the number, opt-out, and the title
 * (the contact's name, or the linked record's field that the SMS settings name).
 */
export async function contactForChat(db: Db, actor: Actor, chatId: string) {
  await assertPermission(db, actor, "sms", "You may not use SMS");
  const [row] = await db
    .select({
      id: smsContacts.id,
      name: smsContacts.name,
      phone: smsContacts.phone,
      verified: smsContacts.verified,
      optedOutAt: smsContacts.optedOutAt,
      record: { type: entities.type, key: entities.key, title: entities.title, fields: entities.fields },
    })
    .from(smsContacts)
    .leftJoin(entities, eq(entities.id, smsContacts.entityId))
    .where(eq(smsContacts.chatId, chatId));
  if (!row) throw new DomainError("not_found", "No contact has this chat");
  const { titleField } = await getSmsSettings(db);
  return {
    id: row.id,
    name: row.name,
    title: windowTitle(row.name, row.record?.key ? row.record : null, titleField),
    phone: row.phone,
    phoneDisplay: displayPhone(row.phone),
    verified: row.verified,
    optedOut: row.optedOutAt !== null,
    record: row.record?.key ? { type: row.record.type, key: row.record.key, title: row.record.title } : null,
  };
}

/** The window's title: a record field when the settings name one and it holds text, else the name. */
export function windowTitle(name: string, record: { title: string; fields: Record<string, unknown> } | null, field: string | null): string {
  if (!record || !field) return name;
  const value = field === "title" ? record.title : Object.hasOwn(record.fields, field) ? record.fields[field] : undefined;
  return typeof value === "string" && value.trim() ? value.trim() : typeof value === "number" ? String(value) : name;
}

/** `username`: the person whose own phone it is; null or blank takes the link away, left out keeps it (updates). */
export type ContactInput = { name: string; phone: string; verified: boolean; recordKey?: string | null; recordType?: string | null; username?: string | null };

async function recordId(db: Db | Tx, input: ContactInput): Promise<string | null> {
  if (!input.recordKey) return null;
  const [entity] = await db
    .select({ id: entities.id })
    .from(entities)
    .where(and(eq(entities.key, input.recordKey), input.recordType ? eq(entities.type, input.recordType) : undefined))
    .limit(2);
  if (!entity) throw new DomainError("invalid", `No record with key ${input.recordKey}`, { recordKey: "No such record" });
  return entity.id;
}

/** The person a contact is linked to (their own phone), by user name; none for a blank one. */
async function linkedUserId(db: Db | Tx, input: ContactInput): Promise<string | null> {
  const username = input.username?.trim().toLowerCase();
  if (!username) return null;
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.username, username)).limit(1);
  if (!user) throw new DomainError("invalid", `No person with user name ${username}`, { username: "No such person" });
  return user.id;
}

function assertAdmin(actor: Actor) {
  if (actor.role !== "admin") throw new DomainError("forbidden", "Only an admin can change SMS contacts");
}

/** Adds a contact (admins). A number already known is refused with the contact that has it. */
export async function createContact(db: Db, actor: Actor, input: ContactInput, defaultCountry?: CountryCode) {
  assertAdmin(actor);
  const phone = parsePhone(input.phone, defaultCountry);
  const name = input.name.trim();
  const entityId = await recordId(db, input);
  const userId = await linkedUserId(db, input);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(smsContacts)
      .values({ phone: phone.e164, name, verified: input.verified, entityId, userId })
      .onConflictDoNothing()
      .returning({ id: smsContacts.id });
    if (!row) throw new DomainError("conflict", `${phone.display} is already a contact`, { phone: "Already a contact" });
    await writeAudit(tx, actor, { action: "sms_contact.create", targetType: "sms_contact", targetId: row.id, after: { name, phone: phone.e164, verified: input.verified, entityId, userId } });
    return { id: row.id };
  });
}

/** Changes a contact's name, number, verification, record or person (admins). */
export async function updateContact(db: Db, actor: Actor, contactId: string, input: ContactInput, defaultCountry?: CountryCode) {
  assertAdmin(actor);
  const phone = parsePhone(input.phone, defaultCountry);
  const name = input.name.trim();
  const entityId = await recordId(db, input);
  const linked = input.username === undefined ? undefined : await linkedUserId(db, input);
  await db.transaction(async (tx) => {
    const [before] = await tx.select().from(smsContacts).where(eq(smsContacts.id, contactId)).for("update");
    if (!before) throw new DomainError("not_found", "No such contact");
    // No user name given (a caller that knows nothing of the link): the link stays as it is.
    const userId = linked === undefined ? before.userId : linked;
    const [taken] = await tx.select({ id: smsContacts.id }).from(smsContacts).where(and(eq(smsContacts.phone, phone.e164), sql`${smsContacts.id} <> ${contactId}`));
    if (taken) throw new DomainError("conflict", `${phone.display} is already a contact`, { phone: "Already a contact" });
    await tx.update(smsContacts).set({ name, phone: phone.e164, verified: input.verified, entityId, userId, updatedAt: new Date() }).where(eq(smsContacts.id, contactId));
    if (before.chatId && before.name !== name) await tx.update(chats).set({ title: name }).where(eq(chats.id, before.chatId));
    await writeAudit(tx, actor, {
      action: "sms_contact.update",
      targetType: "sms_contact",
      targetId: contactId,
      before: { name: before.name, phone: before.phone, verified: before.verified, entityId: before.entityId, userId: before.userId },
      after: { name, phone: phone.e164, verified: input.verified, entityId, userId },
    });
  });
}
