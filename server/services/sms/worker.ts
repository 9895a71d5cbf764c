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

/** Waits after the 1st, 2nd, … attempt the provider did not take; after the last the SMS is failed. */
export const SMS_RETRY_DELAYS_MS = [5_000, 30_000, 2 * 60_000, 10 * 60_000, 30 * 60_000];
/** Longer than a provider request may take (provider.ts), so a live claim never lapses. */
const CLAIM_MS = 60_000;

export type SmsWorkerOptions = { db: Db; realtime: Publisher; provider: SmsProvider; config: Pick<SmsConfig, "webhookBase">; retryDelaysMs?: number[]; batch?: number };

export function createSmsWorker(options: SmsWorkerOptions) {
  const { db, realtime, provider } = options;
  const delays = options.retryDelaysMs ?? SMS_RETRY_DELAYS_MS;
  let running: Promise<number> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  let retry: { at: number; timer: NodeJS.Timeout } | null = null;
  let stopped = false;

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

  /** Wakes up for the earliest queued retry, so a retry waits its delay, not the next poll. */
  async function scheduleRetry(): Promise<void> {
    const [next] = await db
      .select({ at: sql<Date>`min(${smsMessages.nextAttemptAt})`.mapWith((v: string | Date) => new Date(v)) })
      .from(smsMessages)
      .where(and(eq(smsMessages.direction, "out"), or(eq(smsMessages.status, "queued"), and(eq(smsMessages.status, "sending"), isNull(smsMessages.providerSid)))));
    const at = next?.at?.getTime();
    if (stopped || at === undefined || Number.isNaN(at) || (retry && retry.at <= at)) return;
    if (retry) clearTimeout(retry.timer);
    const handle = setTimeout(() => {
      retry = null;
      void kick().catch((error: unknown) => console.error("[sms]", error));
    }, Math.max(0, at - Date.now()));
    handle.unref();
    retry = { at, timer: handle };
  }

  async function runOnce(): Promise<number> {
    const due = await claim();
    await Promise.all(due.map(deliver));
    return due.length;
  }

  /** Runs now (after a commit that queued something), coalescing calls made while running. */
  function kick(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        let n: number;
        do {
          n = await runOnce();
          total += n;
        } while (n > 0);
      } while (again);
      await scheduleRetry();
      return total;
    })().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    kick,
    start(intervalMs = 10_000) {
      timer ??= setInterval(() => void kick().catch((error: unknown) => console.error("[sms]", error)), intervalMs);
      timer.unref();
      void kick().catch((error: unknown) => console.error("[sms]", error));
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (retry) clearTimeout(retry.timer);
      timer = null;
      retry = null;
      await running;
    },
  };
}

export type SmsWorker = ReturnType<typeof createSmsWorker>;
