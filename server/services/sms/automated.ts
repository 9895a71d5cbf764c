/**
 * Automated SMS from scripts (`POST /api/v1/sms/messages`): reminders and job notices to any
 * valid number. An unknown number becomes an unverified contact; the quiet window delays the
 * send; the SMS settings decide whether it shows in the contact's window.
 */
import { and, eq } from "drizzle-orm";
import { smsSegments } from "~/contracts/sms";
import { smsContacts, smsMessages } from "~/db/schema";
import { DomainError } from "~/server/domain-error";
import type { TokenRef } from "~/server/services/audit";
import type { Deps } from "~/server/services/deps";
import { appendEvent } from "~/server/services/events";
import { insertSystemMessage } from "~/server/services/message/system";
import type { Envelope } from "~/server/realtime/envelope";
import { ensureContactChat } from "./contacts";
import { displayPhone, parsePhone } from "./phone";
import { costRefusal, logRefusal, notConfigured } from "./send";
import { afterQuietWindow, getSmsSettings } from "./settings";

export type AutomatedSms = { to: string; message: string; clientId: string };

export type AutomatedResult = { id: string; to: string; status: string; segments: number; sendAt: string; chatId: string | null; created: boolean };

export async function sendAutomated(deps: Deps, token: TokenRef, input: AutomatedSms, now = new Date()): Promise<AutomatedResult> {
  if (!deps.sms) throw notConfigured();
  const sms = deps.sms;
  const phone = parsePhone(input.to, sms.config.defaultCountry, "to");
  const segments = smsSegments(input.message).segments;
  const existing = await findAutomated(deps, token, input.clientId);
  if (existing) return existing;
  const options = await getSmsSettings(deps.db);
  const sendAt = afterQuietWindow(options.quietWindow, now, sms.config.siteTimeZone);
  let result;
  try {
    result = await deps.db.transaction(async (tx) => {
      await tx.insert(smsContacts).values({ phone: phone.e164, name: displayPhone(phone.e164) }).onConflictDoNothing();
      const [contact] = await tx.select().from(smsContacts).where(eq(smsContacts.phone, phone.e164)).for("update");
      const refusal = await costRefusal(tx, sms.config, contact!, segments);
      if (refusal) {
        await logRefusal(tx, token, contact!, refusal, segments);
        return { refusal };
      }
      const envelopes: Envelope[] = [];
      let messageId: string | null = null;
      let chatId: string | null = null;
      // Hidden automated traffic leaves no message in the window; the log still has it.
      if (options.automated === "show") {
        const opened = await ensureContactChat(tx, contact!);
        chatId = opened.chatId;
        if (opened.envelope) envelopes.push(opened.envelope);
        const { message, event } = await insertSystemMessage(tx, {
          chatId,
          body: input.message,
          kind: "sms_out",
          label: token.name,
          data: { type: "sms", status: "queued", segments, error: null, errorCode: null },
        });
        messageId = message.id;
        envelopes.push(await appendEvent(tx, event));
      }
      const [row] = await tx
        .insert(smsMessages)
        .values({ contactId: contact!.id, messageId, direction: "out", body: input.message, segments, status: "queued", tokenId: token.id, automated: true, clientId: input.clientId, nextAttemptAt: sendAt })
        .returning({ id: smsMessages.id });
      return { row: { id: row!.id, to: phone.e164, status: "queued", segments, sendAt: sendAt.toISOString(), chatId, created: true }, envelopes };
    });
  } catch (error) {
    // Two retries of one send at once: the unique (token, clientId) lets one through.
    const e = error as { code?: string; cause?: { code?: string } };
    if (e.code === "23505" || e.cause?.code === "23505") {
      const winner = await findAutomated(deps, token, input.clientId);
      if (winner) return winner;
    }
    throw error;
  }
  if ("refusal" in result) throw new DomainError("forbidden", result.refusal!);
  deps.realtime.publish(result.envelopes);
  if (sendAt.getTime() <= now.getTime()) void sms.worker.kick().catch((error: unknown) => console.error("[sms]", error));
  return result.row;
}

async function findAutomated(deps: Deps, token: TokenRef, clientId: string): Promise<AutomatedResult | null> {
  const [row] = await deps.db
    .select({ id: smsMessages.id, phone: smsContacts.phone, status: smsMessages.status, segments: smsMessages.segments, sendAt: smsMessages.nextAttemptAt, chatId: smsContacts.chatId, messageId: smsMessages.messageId })
    .from(smsMessages)
    .innerJoin(smsContacts, eq(smsContacts.id, smsMessages.contactId))
    .where(and(eq(smsMessages.tokenId, token.id), eq(smsMessages.clientId, clientId)));
  if (!row) return null;
  return { id: row.id, to: row.phone, status: row.status, segments: row.segments, sendAt: row.sendAt.toISOString(), chatId: row.messageId ? row.chatId : null, created: false };
}
