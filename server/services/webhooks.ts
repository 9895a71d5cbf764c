import { createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db, Tx } from "~/db/client";
import { type WebhookDelivery, webhookDeliveries, webhooks } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import { writeAudit } from "./audit";
import { assertOutboundUrl, guardedLookup } from "./outbound-url";
import { createQueueRunner, earliest } from "./queue-runner";

/** Events a webhook can subscribe to (PRODUCT.md A4). */
export const WEBHOOK_EVENTS = ["message.created", "message.action", "approval.resolved", "record.created_by_scan"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Retry delays after the 1st, 2nd, … failed attempt; after the last the delivery is failed. */
export const RETRY_DELAYS_MS = [10_000, 60_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000];
/**
 * A sender claims a delivery by moving its next attempt this far ahead; past it, another
 * instance (or the next poll) may send it again.
 */
const CLAIM_MS = 2 * 60_000;
/**
 * The whole attempt (name check, connect, request, the answer's headers and body) ends by
 * then: a receiver that trickles bytes resets any idle timeout, and one that outlived the claim
 * would get the event twice. Well inside CLAIM_MS, with room for recording the result.
 */
export const DELIVERY_DEADLINE_MS = 10_000;
export const SIGNATURE_HEADER = "x-floorchat-signature";

export type OutboundPolicy = { allowLoopback: boolean };

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the timestamp makes replays detectable. */
export function signPayload(secret: string, body: string, timestamp: number): string {
  const mac = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${mac}`;
}

export async function createWebhook(db: Db, actor: Actor, input: { url: string; events: WebhookEvent[] }, policy: OutboundPolicy) {
  await assertOutboundUrl(input.url, policy);
  const secret = `whsec_${randomBytes(24).toString("base64url")}`;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(webhooks)
      .values({ url: input.url, events: [...new Set(input.events)], secret, createdBy: actor.id })
      .returning();
    await writeAudit(tx, actor, { action: "webhook.create", targetType: "webhook", targetId: row!.id, after: { url: input.url, events: input.events } });
    return { id: row!.id, url: row!.url, events: row!.events as WebhookEvent[], secret, createdAt: row!.createdAt };
  });
}

export async function listWebhooks(db: Db) {
  const rows = await db
    .select({
      id: webhooks.id,
      url: webhooks.url,
      events: webhooks.events,
      active: webhooks.active,
      createdAt: webhooks.createdAt,
      // A join, not correlated subqueries: drizzle leaves a lone table's columns unqualified,
      // and an unqualified "id" inside a subquery would be the delivery's own.
      pending: sql<number>`(count(*) filter (where ${webhookDeliveries.state} = 'pending'))::int`,
      failed: sql<number>`(count(*) filter (where ${webhookDeliveries.state} = 'failed'))::int`,
    })
    .from(webhooks)
    .leftJoin(webhookDeliveries, eq(webhookDeliveries.webhookId, webhooks.id))
    .groupBy(webhooks.id)
    .orderBy(desc(webhooks.createdAt));
  return rows.map((r) => ({ ...r, events: r.events as WebhookEvent[] }));
}

export async function deleteWebhook(db: Db, actor: Actor, webhookId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.delete(webhooks).where(eq(webhooks.id, webhookId)).returning({ url: webhooks.url });
    if (!row) throw new DomainError("not_found", "No such webhook");
    await writeAudit(tx, actor, { action: "webhook.delete", targetType: "webhook", targetId: webhookId, before: { url: row.url } });
  });
}

export async function listDeliveries(db: Db, webhookId: string, limit = 50) {
  return db
    .select({
      id: webhookDeliveries.id,
      event: webhookDeliveries.event,
      state: webhookDeliveries.state,
      attempts: webhookDeliveries.attempts,
      lastStatus: webhookDeliveries.lastStatus,
      lastError: webhookDeliveries.lastError,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      createdAt: webhookDeliveries.createdAt,
      deliveredAt: webhookDeliveries.deliveredAt,
    })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.webhookId, webhookId))
    .orderBy(desc(webhookDeliveries.createdAt))
    .limit(limit);
}

/**
 * Queues `event` for every active webhook that wants it, in the caller's transaction: the
 * deliveries exist exactly when the change commits (invariant 5), and survive a restart.
 */
export async function enqueueWebhooks(tx: Tx, event: WebhookEvent, data: unknown): Promise<number> {
  const targets = await tx
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.active, true), sql`${event} = any(${webhooks.events})`));
  if (targets.length === 0) return 0;
  await tx.insert(webhookDeliveries).values(targets.map((t) => ({ webhookId: t.id, event, payload: { event, data } })));
  return targets.length;
}

type Attempt = { status: number | null; error: string | null };

/** One POST, over when the answer's body has ended or when `deadline` aborts it (whichever first). */
function post(url: URL, body: string, headers: Record<string, string>, policy: OutboundPolicy, deadline: AbortSignal, deadlineMs: number): Promise<Attempt> {
  return new Promise((resolve) => {
    let status: number | null = null;
    let settled = false;
    const settle = (error: string | null) => {
      if (settled) return;
      settled = true;
      deadline.removeEventListener("abort", onDeadline);
      resolve({ status, error });
    };
    const onDeadline = () => settle(`No complete answer within ${deadlineMs / 1000} s`);
    deadline.addEventListener("abort", onDeadline, { once: true });
    if (deadline.aborted) return onDeadline();
    const client = url.protocol === "https:" ? https : http;
    // The signal destroys the request and its response whatever stage they are at.
    const request = client.request(
      url,
      { method: "POST", headers: { ...headers, "content-length": Buffer.byteLength(body).toString() }, lookup: guardedLookup(policy), signal: deadline },
      (response) => {
        status = response.statusCode ?? null;
        response.resume();
        response.on("end", () => settle(null));
        response.on("error", (error) => settle(error.message));
      },
    );
    request.on("error", (error) => settle(error.message));
    request.end(body);
  });
}

export type WebhookWorkerOptions = OutboundPolicy & { retryDelaysMs?: number[]; batch?: number; deadlineMs?: number };

/**
 * Sends queued deliveries. Any instance may run one: rows are claimed with SKIP LOCKED and
 * pushed forward while in flight, so two instances never send one delivery at once, and a
 * crashed sender's claim lapses and is retried.
 */
export function createWebhookWorker(db: Db, options: WebhookWorkerOptions) {
  const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  const deadlineMs = options.deadlineMs ?? DELIVERY_DEADLINE_MS;
  if (deadlineMs >= CLAIM_MS / 2) throw new Error(`A webhook delivery's deadline must be well under its ${CLAIM_MS / 1000} s claim`);

  async function deliver(delivery: WebhookDelivery): Promise<void> {
    const [hook] = await db.select().from(webhooks).where(eq(webhooks.id, delivery.webhookId));
    if (!hook) return;
    const body = JSON.stringify({ id: delivery.id, createdAt: delivery.createdAt.toISOString(), ...(delivery.payload as object) });
    const timestamp = Math.floor(Date.now() / 1000);
    let attempt: Attempt;
    // Started before the name check, so the deadline bounds the whole attempt.
    const deadline = AbortSignal.timeout(deadlineMs);
    try {
      const url = await assertOutboundUrl(hook.url, options);
      attempt = await post(
        url,
        body,
        {
          "content-type": "application/json",
          "user-agent": "Floorchat-Webhooks/1",
          "x-floorchat-event": delivery.event,
          "x-floorchat-delivery": delivery.id,
          [SIGNATURE_HEADER]: signPayload(hook.secret, body, timestamp),
        },
        options,
        deadline,
        deadlineMs,
      );
    } catch (error) {
      attempt = { status: null, error: error instanceof Error ? error.message : String(error) };
    }
    const attempts = delivery.attempts + 1;
    // A 2xx whose body never finished is not a confirmed delivery.
    const ok = attempt.error === null && attempt.status !== null && attempt.status >= 200 && attempt.status < 300;
    const delay = delays[attempts - 1];
    await db
      .update(webhookDeliveries)
      .set({
        attempts,
        lastStatus: attempt.status,
        lastError: ok ? null : (attempt.error ?? `HTTP ${attempt.status}`),
        state: ok ? "delivered" : delay === undefined ? "failed" : "pending",
        deliveredAt: ok ? new Date() : null,
        nextAttemptAt: new Date(Date.now() + (delay ?? 0)),
      })
      .where(eq(webhookDeliveries.id, delivery.id));
  }

  /** Sends what is due now; returns how many were attempted. */
  async function runOnce(): Promise<number> {
    const due = await db.transaction(async (tx) => {
      const ids = await tx
        .select({ id: webhookDeliveries.id })
        .from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.state, "pending"), sql`${webhookDeliveries.nextAttemptAt} <= now()`))
        .orderBy(webhookDeliveries.nextAttemptAt)
        .limit(options.batch ?? 20)
        .for("update", { skipLocked: true });
      if (ids.length === 0) return [];
      return tx
        .update(webhookDeliveries)
        .set({ nextAttemptAt: sql`now() + ${sql.raw(`interval '${CLAIM_MS / 1000} seconds'`)}` })
        .where(inArray(webhookDeliveries.id, ids.map((r) => r.id)))
        .returning();
    });
    await Promise.all(due.map(deliver));
    return due.length;
  }

  const runner = createQueueRunner({
    runOnce,
    label: "[webhooks]",
    nextDueAt: async () => {
      const [next] = await db
        .select({ at: earliest(webhookDeliveries.nextAttemptAt) })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.state, "pending"));
      return next?.at ?? null;
    },
  });

  return {
    kick: runner.kick,
    runOnce,
    start: (intervalMs = 5_000) => runner.start(intervalMs),
    stop: runner.stop,
  };
}

export type WebhookWorker = ReturnType<typeof createWebhookWorker>;
