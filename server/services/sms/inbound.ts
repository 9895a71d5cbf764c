/**
 * What the provider posts to us (README → SMS): a text from a phone, and the delivery states of
 * ours. Both arrive signed; the HTTP layer checks the signature before calling these.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Tx } from "~/db/client";
import { smsKeyword, smsSegments } from "~/contracts/sms";
import type { SmsStatus } from "~/contracts/sms";
import { smsContacts, smsMessages } from "~/db/schema";
import type { Envelope } from "~/server/realtime/envelope";
import type { Deps } from "~/server/services/deps";
import { appendEvent } from "~/server/services/events";
import { insertSystemMessage } from "~/server/services/message/system";
import { ensureContactChat } from "./contacts";
import { getSmsSettings } from "./settings";
import { displayPhone, parsePhone } from "./phone";
import { movesForward, recordSmsChange } from "./status";

export type InboundSms = { from: string; body: string; messageSid: string };

/**
 * Stores a text from a phone once (the provider retries: its MessageSid is unique), in the
 * contact's chat window; a number never seen becomes an unverified contact, so nothing is lost.
 * STOP and its synonyms opt the contact out, START back in; both still show in the window.
 */
export async function receiveSms(deps: Deps, input: InboundSms): Promise<"stored" | "duplicate"> {
  const phone = parsePhone(input.from, undefined, "From");
  const body = input.body.length > 0 ? input.body : "(empty message)";
  const keyword = smsKeyword(input.body);
  const result = await deps.db.transaction(async (tx) => {
    await tx.insert(smsContacts).values({ phone: phone.e164, name: displayPhone(phone.e164) }).onConflictDoNothing();
    const [contact] = await tx.select().from(smsContacts).where(eq(smsContacts.phone, phone.e164)).for("update");
    const [logged] = await tx
      .insert(smsMessages)
      .values({ contactId: contact!.id, direction: "in", body: input.body, segments: smsSegments(input.body).segments, status: "received", providerSid: input.messageSid })
      .onConflictDoNothing()
      .returning({ id: smsMessages.id, segments: smsMessages.segments });
    if (!logged) return null;
    if (keyword === "opt_out") await tx.update(smsContacts).set({ optedOutAt: sql`now()` }).where(eq(smsContacts.id, contact!.id));
    if (keyword === "opt_in") await tx.update(smsContacts).set({ optedOutAt: null }).where(eq(smsContacts.id, contact!.id));
    const { automated } = await getSmsSettings(tx);
    // An answer to a survey or reminder stays out of the window when automated traffic is hidden
    // (or, with "invalid_replies", unless it does not look like an answer); the log keeps it.
    if (automated !== "show" && !keyword && (await answersAutomated(tx, contact!.id)) && (automated === "hide" || looksLikeAnswer(input.body))) {
      return { message: null, envelopes: [] };
    }
    const { chatId, envelope: opened } = await ensureContactChat(tx, contact!);
    const { message, event } = await insertSystemMessage(tx, {
      chatId,
      body,
      kind: "sms_in",
      sender: { kind: "contact" },
      label: contact!.name,
      data: { type: "sms", status: "received", segments: logged.segments, error: null, errorCode: null },
    });
    await tx.update(smsMessages).set({ messageId: message.id }).where(eq(smsMessages.id, logged.id));
    const envelopes: Envelope[] = opened ? [opened] : [];
    envelopes.push(await appendEvent(tx, event));
    return { message, envelopes };
  });
  if (!result) return "duplicate";
  deps.realtime.publish(result.envelopes);
  if (result.message) deps.push.notify({ message: result.message });
  return "stored";
}

/** How long after an automated SMS a text from the same number counts as its answer. */
const AUTOMATED_REPLY_WINDOW = "24 hours";

/** The contact's latest outgoing SMS was automated and recent, with no person writing since. */
async function answersAutomated(tx: Tx, contactId: string): Promise<boolean> {
  const [last] = await tx
    .select({ automated: smsMessages.automated })
    .from(smsMessages)
    .where(and(eq(smsMessages.contactId, contactId), eq(smsMessages.direction, "out"), sql`${smsMessages.createdAt} > now() - ${AUTOMATED_REPLY_WINDOW}::interval`))
    .orderBy(desc(smsMessages.createdAt))
    .limit(1);
  return last?.automated === true;
}

/** A survey's expected kind of answer: one short word or number ("3", "yes", "TAK"). */
export function looksLikeAnswer(body: string): boolean {
  return /^\s*[\p{L}\p{N}]{1,12}[.!]?\s*$/u.test(body);
}

/** The provider's words for a message's state, in ours (anything else it says is in-between). */
const PROVIDER_STATUS = new Map<string, SmsStatus>(Object.entries({
  accepted: "sending",
  scheduled: "sending",
  queued: "sending",
  sending: "sending",
  sent: "sent",
  delivered: "delivered",
  read: "delivered",
  failed: "failed",
  undelivered: "undelivered",
  canceled: "failed",
}));

export type StatusCallback = { smsId: string | null; messageSid: string; status: string; errorCode: string | null };

/**
 * A delivery state from the provider: found by its MessageSid, or by our id in the callback's
 * address when the answer to the send itself was lost (the id is then recorded). Never moves a
 * state back. Returns whether it matched one of ours.
 */
export async function receiveStatus(deps: Deps, input: StatusCallback): Promise<boolean> {
  // A Map: a status named "constructor" or "__proto__" is unknown, not Object's own.
  const status = PROVIDER_STATUS.get(input.status.toLowerCase());
  const [bySid] = await deps.db.select({ id: smsMessages.id }).from(smsMessages).where(eq(smsMessages.providerSid, input.messageSid));
  const id = bySid?.id ?? input.smsId;
  if (!id) return false;
  const row = await recordSmsChange(deps.db, deps.realtime, id, (current) => {
    if (current.direction !== "out" || (current.providerSid && current.providerSid !== input.messageSid)) return null;
    const sid = current.providerSid ? {} : { providerSid: input.messageSid };
    if (!status || !movesForward(current.status, status)) return current.providerSid ? null : sid;
    const failed = status === "failed" || status === "undelivered";
    return { ...sid, status, errorCode: failed ? input.errorCode : null, errorMessage: failed ? errorMeaning(input.errorCode) : null };
  });
  return row !== null || Boolean(bySid);
}

/** The common carrier errors, as a person at a desk can act on them; the code stays beside it. */
function errorMeaning(code: string | null): string {
  switch (code) {
    case "30003":
      return "The phone is off or out of reach";
    case "30004":
      return "The recipient blocked this number";
    case "30005":
      return "The number does not exist";
    case "30006":
      return "This number cannot receive SMS (a landline?)";
    case "30007":
      return "The carrier filtered the message";
    case "21610":
      return "The recipient has opted out";
    default:
      return "Not delivered";
  }
}
