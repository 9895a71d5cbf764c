/**
 * An SMS's way through the provider (queued → sending → sent → delivered, or failed /
 * undelivered), written to its log row and to the chat message that shows it, whose update
 * goes to every open window.
 */
import { eq } from "drizzle-orm";
import type { SmsStatus } from "~/contracts/sms";
import type { Db } from "~/db/client";
import { type SmsMessage, smsMessages } from "~/db/schema";
import type { Publisher } from "~/server/realtime/envelope";
import { appendEvent } from "~/server/services/events";
import { updateMessageData } from "~/server/services/message/system";

/** Callbacks may arrive out of order (the provider retries them): a state never moves back. */
const RANK: Record<SmsStatus, number> = { queued: 0, sending: 1, sent: 2, delivered: 3, failed: 3, undelivered: 3, received: 3 };

export function movesForward(from: SmsStatus, to: SmsStatus): boolean {
  return RANK[to] > RANK[from];
}

export type StatusChange = Partial<Pick<SmsMessage, "status" | "providerSid" | "errorCode" | "errorMessage" | "attempts" | "nextAttemptAt">>;

/** Applies `change` to one SMS (under its row lock) and publishes the message's new state. */
export async function recordSmsChange(db: Db, realtime: Publisher, smsId: string, change: (row: SmsMessage) => StatusChange | null): Promise<SmsMessage | null> {
  const result = await db.transaction(async (tx) => {
    const [row] = await tx.select().from(smsMessages).where(eq(smsMessages.id, smsId)).for("update");
    if (!row) return null;
    const patch = change(row);
    if (!patch) return null;
    const [updated] = await tx
      .update(smsMessages)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(smsMessages.id, smsId))
      .returning();
    const shown = row.status !== updated!.status || row.errorMessage !== updated!.errorMessage;
    if (!updated!.messageId || !shown) return { row: updated!, envelope: null };
    const { event } = await updateMessageData(tx, updated!.messageId, {
      type: "sms",
      status: updated!.status,
      segments: updated!.segments,
      error: errorText(updated!),
      errorCode: updated!.status === "failed" || updated!.status === "undelivered" ? updated!.errorCode : null,
    });
    return { row: updated!, envelope: await appendEvent(tx, event) };
  });
  if (result?.envelope) realtime.publish([result.envelope]);
  return result?.row ?? null;
}

function errorText(row: SmsMessage): string | null {
  if (row.status !== "failed" && row.status !== "undelivered") return null;
  return [row.errorCode ? `Error ${row.errorCode}` : null, row.errorMessage].filter(Boolean).join(": ") || null;
}
