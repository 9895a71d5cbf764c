/**
 * A message typed into an SMS chat window: checked against opt-out and the cost limits, stored
 * as the chat's message and queued for the provider in one transaction (the queue is the
 * `sms_messages` row, so a restart loses nothing; worker.ts sends it).
 */
import { and, eq, sql } from "drizzle-orm";
import { parsePhoneNumberFromString } from "libphonenumber-js";
import type { MessageDto } from "~/contracts/messages";
import { SMS_MAX_LENGTH, smsSegments } from "~/contracts/sms";
import type { Tx } from "~/db/client";
import { chatMembers, type SmsContact, smsContacts, smsMessages } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import { type Author, writeAudit } from "~/server/services/audit";
import type { Deps } from "~/server/services/deps";
import { appendEvent } from "~/server/services/events";
import { insertSystemMessage } from "~/server/services/message/system";
import { assertPermission } from "~/server/services/permissions";
import type { SmsConfig } from "./config";

/** Any constant: the key of the lock that makes the daily segment cap exact across instances. */
const SMS_CAP_LOCK = 7_200_014;

export function notConfigured(): DomainError {
  return new DomainError("invalid", "SMS is not set up on this server: an admin sets SMS_PROVIDER and the TWILIO_ settings (README, SMS)");
}

/**
 * Why this contact may not be sent `segments` more segments now, or null: opted out, a country
 * not on the list, or past the site's daily cap (counted in SITE_TIME_ZONE's day).
 */
export async function costRefusal(tx: Tx, config: SmsConfig, contact: SmsContact, segments: number): Promise<string | null> {
  if (contact.optedOutAt) return `${contact.name} replied STOP: nothing is sent until they text START`;
  const country = parsePhoneNumberFromString(contact.phone)?.country;
  if (!country || !config.allowedCountries.includes(country)) {
    return `Texting ${country ?? "this country"} is not allowed here (allowed: ${config.allowedCountries.join(", ") || "none"}; SMS_ALLOWED_COUNTRIES)`;
  }
  await tx.execute(sql`select pg_advisory_xact_lock(${SMS_CAP_LOCK})`);
  const [used] = await tx
    .select({ segments: sql<number>`coalesce(sum(${smsMessages.segments}), 0)::int` })
    .from(smsMessages)
    .where(
      and(
        eq(smsMessages.direction, "out"),
        // A send the provider never took costs nothing.
        sql`not (${smsMessages.status} = 'failed' and ${smsMessages.providerSid} is null)`,
        sql`${smsMessages.createdAt} >= (date_trunc('day', now() at time zone ${config.siteTimeZone}) at time zone ${config.siteTimeZone})`,
      ),
    );
  if (used!.segments + segments > config.dailySegmentCap) {
    return `Today's SMS limit is reached (${used!.segments} of ${config.dailySegmentCap} segments sent; SMS_DAILY_SEGMENT_CAP)`;
  }
  return null;
}

/** Logs a refused send (who tried, to whom, why): the messaging log and the audit both show it. */
export async function logRefusal(tx: Tx, author: Author, contact: SmsContact, reason: string, segments: number) {
  await writeAudit(tx, author, { action: "sms.refused", targetType: "sms_contact", targetId: contact.id, after: { phone: contact.phone, reason, segments } });
}

/**
 * Sends `body` from the SMS chat `chatId` as `actor`. The client's id makes a retry return the
 * original, as for any message (the unique (sender, clientId) index: the caller handles it).
 */
export async function sendFromChat(deps: Deps, actor: Actor, input: { chatId: string; clientId: string; body: string }): Promise<MessageDto> {
  if (!deps.sms) throw notConfigured();
  const sms = deps.sms;
  await assertPermission(deps.db, actor, "sms", "You may not send SMS");
  if (input.body.length > SMS_MAX_LENGTH) {
    throw new DomainError("invalid", `An SMS has at most ${SMS_MAX_LENGTH} characters`, { body: `At most ${SMS_MAX_LENGTH} characters` });
  }
  const segments = smsSegments(input.body).segments;
  const result = await deps.db.transaction(async (tx) => {
    const [contact] = await tx.select().from(smsContacts).where(eq(smsContacts.chatId, input.chatId)).for("update");
    if (!contact) throw new DomainError("not_found", "No contact has this chat");
    const refusal = await costRefusal(tx, sms.config, contact, segments);
    if (refusal) {
      await logRefusal(tx, actor, contact, refusal, segments);
      return { refusal };
    }
    const { message, event } = await insertSystemMessage(tx, {
      chatId: input.chatId,
      body: input.body,
      kind: "sms_out",
      sender: { kind: "user", id: actor.id },
      clientId: input.clientId,
      data: { type: "sms", status: "queued", segments, error: null, errorCode: null },
    });
    await tx.insert(smsMessages).values({ contactId: contact.id, messageId: message.id, direction: "out", body: input.body, segments, status: "queued", sentBy: actor.id });
    // The sender has read their own message; a first answer makes them a member of the window.
    await tx
      .insert(chatMembers)
      .values({ chatId: input.chatId, userId: actor.id, lastReadSeq: message.seq })
      .onConflictDoUpdate({ target: [chatMembers.chatId, chatMembers.userId], set: { lastReadSeq: message.seq } });
    const envelope = await appendEvent(tx, event);
    return { message, envelope };
  });
  if ("refusal" in result) throw new DomainError("forbidden", result.refusal!);
  deps.realtime.publish([result.envelope]);
  deps.lastActive.touch(actor.id);
  void sms.worker.kick().catch((error: unknown) => console.error("[sms]", error));
  return result.message;
}
