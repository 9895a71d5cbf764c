/**
 * Sends queued SMS. Any instance may run one: rows are claimed with SKIP LOCKED and pushed
 * forward while in flight, so two instances never send one message at once, and a crashed
 * sender's claim lapses and is retried, with the same idempotency key (the message's id).
 */
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import { type SmsMessage, smsContacts, smsMessages } from "~/db/schema";
import type { Publisher } from "~/server/realtime/envelope";
import type { SmsConfig } from "./config";
import type { SmsProvider } from "./provider";
import { recordSmsChange } from "./status";
import { createQueueRunner, earliest } from "../queue-runner";

/** Waits after the 1st, 2nd, … attempt the provider did not take; after the last the SMS is failed. */
export const SMS_RETRY_DELAYS_MS = [5_000, 30_000, 2 * 60_000, 10 * 60_000, 30 * 60_000];
/** Longer than a provider request may take (provider.ts), so a live claim never lapses. */
const CLAIM_MS = 60_000;

export type SmsWorkerOptions = { db: Db; realtime: Publisher; provider: SmsProvider; config: Pick<SmsConfig, "webhookBase">; retryDelaysMs?: number[]; batch?: number };

export function createSmsWorker(options: SmsWorkerOptions) {
  const { db, realtime, provider } = options;
  const delays = options.retryDelaysMs ?? SMS_RETRY_DELAYS_MS;

  async function claim(): Promise<(SmsMessage & { phone: string })[]> {
    return db.transaction(async (tx) => {
      const due = await tx
        .select({ id: smsMessages.id })
        .from(smsMessages)
        .where(
          and(
            eq(smsMessages.direction, "out"),
            sql`${smsMessages.nextAttemptAt} <= now()`,
            // Queued, or claimed by a sender that stopped before the provider answered.
            or(eq(smsMessages.status, "queued"), and(eq(smsMessages.status, "sending"), isNull(smsMessages.providerSid))),
          ),
        )
        .orderBy(smsMessages.nextAttemptAt)
        .limit(options.batch ?? 20)
        .for("update", { skipLocked: true });
      if (due.length === 0) return [];
      const claimed = await tx
        .update(smsMessages)
        .set({ status: "sending", attempts: sql`${smsMessages.attempts} + 1`, nextAttemptAt: sql`now() + ${sql.raw(`interval '${CLAIM_MS / 1000} seconds'`)}`, updatedAt: new Date() })
        .where(inArray(smsMessages.id, due.map((r) => r.id)))
        .returning();
      const phones = await tx
        .select({ id: smsContacts.id, phone: smsContacts.phone })
        .from(smsContacts)
        .where(inArray(smsContacts.id, [...new Set(claimed.map((r) => r.contactId))]));
      const phoneOf = new Map(phones.map((p) => [p.id, p.phone]));
      return claimed.map((row) => ({ ...row, phone: phoneOf.get(row.contactId)! }));
    });
  }

  async function deliver(row: SmsMessage & { phone: string }): Promise<void> {
    const result = await provider.send({
      to: row.phone,
      body: row.body,
      statusCallback: `${options.config.webhookBase}/api/sms/status?sms=${row.id}`,
      idempotencyKey: row.id,
    });
    await recordSmsChange(db, realtime, row.id, (current) => {
      // A status callback got here first (it carries the provider's id): keep what it said.
      if (current.providerSid) return null;
      if (result.kind === "accepted") return { providerSid: result.sid, status: "sending", nextAttemptAt: new Date() };
      if (result.kind === "refused") return { status: "failed", errorCode: result.code, errorMessage: result.message };
      const delay = delays[current.attempts - 1];
      if (delay === undefined) return { status: "failed", errorCode: null, errorMessage: `Not sent after ${current.attempts} attempts (${result.reason})` };
      return { status: "queued", errorMessage: result.reason, nextAttemptAt: new Date(Date.now() + Math.max(delay, result.retryAfterMs ?? 0)) };
    });
  }

  async function runOnce(): Promise<number> {
    const due = await claim();
    await Promise.all(due.map(deliver));
    return due.length;
  }

  const runner = createQueueRunner({
    runOnce,
    label: "[sms]",
    nextDueAt: async () => {
      const [next] = await db
        .select({ at: earliest(smsMessages.nextAttemptAt) })
        .from(smsMessages)
        .where(and(eq(smsMessages.direction, "out"), or(eq(smsMessages.status, "queued"), and(eq(smsMessages.status, "sending"), isNull(smsMessages.providerSid)))));
      return next?.at ?? null;
    },
  });

  return {
    kick: runner.kick,
    /** Sends what is queued now, and polls for what other instances queue or leave behind. */
    start(intervalMs = 10_000) {
      runner.start(intervalMs);
      void runner.kick().catch((error: unknown) => console.error("[sms]", error));
    },
    stop: runner.stop,
  };
}

export type SmsWorker = ReturnType<typeof createSmsWorker>;
