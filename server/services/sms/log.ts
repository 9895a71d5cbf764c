/**
 * The messaging log (admins, and `GET /api/v1/sms/log`): every SMS in and out, from a chat
 * window or a script, newest first, with who sent it and where it got to.
 */
import { type SQL, and, desc, eq, or, sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import { apiTokens, smsContacts, smsMessages, users } from "~/db/schema";
import type { SmsLogEntry } from "~/contracts/sms-log";
import { displayPhone } from "./phone";

export type SmsLogFilter = {
  direction?: "in" | "out";
  status?: string;
  /** Part of a name or a number. */
  contact?: string;
  automated?: boolean;
  from?: Date;
  to?: Date;
  /** Paging: the id of the last entry seen; the page holds the entries logged before it. */
  before?: string;
  limit?: number;
};

export const SMS_LOG_PAGE = 100;

export async function smsLog(db: Db, filter: SmsLogFilter = {}): Promise<{ entries: SmsLogEntry[]; hasMore: boolean }> {
  const limit = Math.min(filter.limit ?? SMS_LOG_PAGE, 1000);
  const conditions: (SQL | undefined)[] = [
    filter.direction ? eq(smsMessages.direction, filter.direction) : undefined,
    filter.status ? eq(smsMessages.status, filter.status as never) : undefined,
    filter.automated === undefined ? undefined : eq(smsMessages.automated, filter.automated),
    filter.from ? sql`${smsMessages.createdAt} >= ${filter.from}` : undefined,
    filter.to ? sql`${smsMessages.createdAt} < ${filter.to}` : undefined,
    filter.before ? sql`(${smsMessages.createdAt}, ${smsMessages.id}) < (select m.created_at, m.id from ${smsMessages} m where m.id = ${filter.before}::uuid)` : undefined,
  ];
  const text = filter.contact?.trim().toLowerCase();
  if (text) {
    const digits = text.replace(/[^\d]/g, "");
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(or(sql`lower(${smsContacts.name}) like ${like}`, digits.length >= 3 ? sql`${smsContacts.phone} like ${`%${digits}%`}` : undefined));
  }
  const rows = await db
    .select({
      id: smsMessages.id,
      at: smsMessages.createdAt,
      direction: smsMessages.direction,
      contactId: smsContacts.id,
      contactName: smsContacts.name,
      phone: smsContacts.phone,
      body: smsMessages.body,
      segments: smsMessages.segments,
      status: smsMessages.status,
      errorCode: smsMessages.errorCode,
      errorMessage: smsMessages.errorMessage,
      automated: smsMessages.automated,
      staff: users.name,
      token: apiTokens.name,
      chatMessageId: smsMessages.messageId,
    })
    .from(smsMessages)
    .innerJoin(smsContacts, eq(smsContacts.id, smsMessages.contactId))
    .leftJoin(users, eq(users.id, smsMessages.sentBy))
    .leftJoin(apiTokens, eq(apiTokens.id, smsMessages.tokenId))
    .where(and(...conditions))
    .orderBy(desc(smsMessages.createdAt), desc(smsMessages.id))
    .limit(limit + 1);
  return {
    hasMore: rows.length > limit,
    entries: rows.slice(0, limit).map((r) => ({
      id: r.id,
      at: r.at,
      direction: r.direction,
      contact: { id: r.contactId, name: r.contactName, phone: r.phone, phoneDisplay: displayPhone(r.phone) },
      body: r.body,
      segments: r.segments,
      status: r.status,
      errorCode: r.errorCode,
      errorMessage: r.errorMessage,
      automated: r.automated,
      sentBy: r.staff ?? r.token ?? null,
      chatMessageId: r.chatMessageId,
    })),
  };
}
