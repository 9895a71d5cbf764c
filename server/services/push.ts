import https from "node:https";
import { and, count, eq, inArray, isNull, ne, or, sql } from "drizzle-orm";
import webpush from "web-push";
import { z } from "zod";
import type { Db } from "~/db/client";
import { type PushRetry, chatMembers, chats, entities, pushRetries, pushSubscriptions, settings, users } from "~/db/schema";
import { DomainError } from "~/server/domain-error";
import type { MessageDto } from "~/contracts/messages";
import type { ViewingStore } from "~/server/realtime/viewing-store";
import { canReadChat } from "./access";
import { compiled, runCompiled } from "~/server/services/message/statement";
import { assertOutboundUrl, guardedLookup } from "./outbound-url";
import { createQueueRunner, earliest } from "./queue-runner";
import type { OutboundPolicy } from "./webhooks";

/**
 * Web Push (RFC 8030, payload encryption RFC 8291, VAPID RFC 8292) for new messages, sent after
 * the message's transaction commits (DESIGN.md invariant 5): nothing here can fail or delay a
 * send. The first attempt is made at once from this process; a push service that fails for now
 * (network error, 429, 5xx) gets its retries from the push_retries table, so a restart or
 * another instance still sends them.
 */

export const VAPID_SETTING = "vapid";
/** A notification older than this is stale: the person will have seen the chat by then. */
export const PUSH_TTL_S = 24 * 3600;
/** Delays before the 2nd, 3rd, … attempt after a network error, 429 or 5xx. */
export const PUSH_RETRY_DELAYS_MS = [5_000, 30_000, 120_000];
export const PREVIEW_LENGTH = 140;
const TIMEOUT_MS = 10_000;
/** Longer than an attempt may take (TIMEOUT_MS), so a live claim never lapses. */
const CLAIM_MS = 60_000;

/** What the service worker receives (app/sw.ts shows it and opens `url` on a tap). */
export type PushPayload = {
  chatId: string;
  title: string;
  sender: string;
  /** Left out when the recipient hides message text in notifications. */
  body?: string;
  url: string;
  /** One notification per chat: a newer one replaces it. */
  tag: string;
};

const ZVapidKeys = z.object({ publicKey: z.string().min(1), privateKey: z.string().min(1) });
export type VapidKeys = z.infer<typeof ZVapidKeys>;

/**
 * The configured pair, else the one kept in settings, else a new one kept there: browsers
 * subscribe with the public key, so it must survive restarts. Instances starting together
 * both insert-if-absent and then read, so they agree on one pair.
 */
export async function resolveVapidKeys(db: Db, configured: VapidKeys | null): Promise<VapidKeys> {
  if (configured) return configured;
  const read = async () => {
    const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, VAPID_SETTING));
    return row ? ZVapidKeys.parse(row.value) : null;
  };
  const stored = await read();
  if (stored) return stored;
  const { publicKey, privateKey } = webpush.generateVAPIDKeys();
  await db.insert(settings).values({ key: VAPID_SETTING, value: { publicKey, privateKey } }).onConflictDoNothing();
  return (await read())!;
}

export type PushRequest = {
  message: MessageDto;
  /**
   * People mentioned in the message: pushed even if they muted the chat or never joined it
   * (if they may read it), and with high urgency; never if their status is unavailable.
   */
  mentionedUserIds?: string[];
  /** Push only these people (an approval card goes to its approvers); by default every reader. */
  onlyUserIds?: string[];
};

export type PushOptions = {
  db: Db;
  /** Configured keys (VAPID_*), or null to use the stored pair. */
  vapid: { keys: VapidKeys | null; subject: string };
  outbound: OutboundPolicy;
  viewing: Pick<ViewingStore, "viewersOf">;
  retryDelaysMs?: number[];
  ttlSeconds?: number;
  /** Certificates to trust instead of the system's (tests: the stand-in's self-signed one). */
  ca?: string | Buffer;
};

type Target = { id: string; endpoint: string; p256dh: string; auth: string; userId: string; hideText: boolean };
type Send = { payload: string; urgency: webpush.Urgency; topic: string | undefined };

export function preview(body: string): string {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length > PREVIEW_LENGTH ? `${flat.slice(0, PREVIEW_LENGTH - 1).trimEnd()}…` : flat;
}

export function createPushNotifier(options: PushOptions) {
  const { db } = options;
  const delays = options.retryDelaysMs ?? PUSH_RETRY_DELAYS_MS;
  const ttl = options.ttlSeconds ?? PUSH_TTL_S;
  // Every connection resolves names through the SSRF rules, so a subscription's host cannot
  // be re-pointed at an internal address between the check and the request.
  const agent = new https.Agent({ keepAlive: true, lookup: guardedLookup(options.outbound), ...(options.ca ? { ca: options.ca } : {}) });
  let keys: Promise<VapidKeys> | null = null;
  const vapidKeys = () => {
    keys ??= resolveVapidKeys(db, options.vapid.keys);
    keys.catch(() => (keys = null));
    return keys;
  };

  // First attempts in flight, so tests and shutdown can wait for them to settle.
  let busy = 0;
  const waiters: (() => void)[] = [];
  // Woken at the end of each pass over the due retries (idle() waits on it).
  const passWaiters: (() => void)[] = [];
  let stopped = false;
  const report = (error: unknown) => console.error("[push]", error);
  const begin = () => void busy++;
  const end = () => {
    if (--busy === 0) for (const wake of waiters.splice(0)) wake();
  };
  const inFlight = (): Promise<void> => (busy === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve)));

  /**
   * Subscriptions of the people a message should reach, for one shape of request (built once:
   * the values are placeholders; lists go in as one jsonb value, so the text never varies).
   */
  function recipientsQuery(shape: { sender: boolean; only: boolean; mentions: boolean }) {
    // Run raw (runCompiled), so rows carry the columns' own names (user_id, push_hide_text).
    const inList = (name: string) => sql`${pushSubscriptions.userId} in (select jsonb_array_elements_text(${sql.placeholder(name)}::jsonb))`;
    return db
      .select({
        id: pushSubscriptions.id,
        endpoint: pushSubscriptions.endpoint,
        p256dh: pushSubscriptions.p256dh,
        auth: pushSubscriptions.auth,
        userId: pushSubscriptions.userId,
        hideText: users.pushHideText,
      })
      .from(pushSubscriptions)
      .innerJoin(users, eq(users.id, pushSubscriptions.userId))
      .innerJoin(chats, eq(chats.id, sql.placeholder("chatId")))
      .leftJoin(chatMembers, and(eq(chatMembers.chatId, chats.id), eq(chatMembers.userId, users.id)))
      .where(
        and(
          isNull(users.deactivatedAt),
          // "Unavailable" means do not disturb, mentions included.
          ne(users.status, "unavailable"),
          shape.sender ? ne(pushSubscriptions.userId, sql.placeholder("senderId")) : undefined,
          shape.only ? inList("only") : undefined,
          // Members who have not muted the chat; a mention reaches past the mute.
          or(and(sql`${chatMembers.userId} is not null`, eq(chatMembers.muted, false)), shape.mentions ? inList("mentioned") : undefined),
          // On the subscription's column, so it is checked only for the (few) members with a
          // subscription, not for every member of a big chat.
          canReadChat(sql`${pushSubscriptions.userId}`),
        ),
      )
      .getSQL();
  }

  async function recipients(request: PushRequest): Promise<Target[]> {
    const { message } = request;
    const mentioned = request.mentionedUserIds ?? [];
    if (request.onlyUserIds?.length === 0) return [];
    const shape = { sender: message.sender.id !== null, only: request.onlyUserIds !== undefined, mentions: mentioned.length > 0 };
    const statement = compiled(`push:${+shape.sender}${+shape.only}${+shape.mentions}`, () => recipientsQuery(shape));
    const rows = (
      await runCompiled<{ id: string; endpoint: string; p256dh: string; auth: string; user_id: string; push_hide_text: boolean }>(db, statement, {
        chatId: message.chatId,
        senderId: message.sender.id,
        only: JSON.stringify(request.onlyUserIds ?? []),
        mentioned: JSON.stringify(mentioned),
      })
    ).map((r) => ({ id: r.id, endpoint: r.endpoint, p256dh: r.p256dh, auth: r.auth, userId: r.user_id, hideText: r.push_hide_text }));
    if (rows.length === 0) return [];
    // Whoever is looking at this chat right now sees the message arrive.
    const viewers = await options.viewing.viewersOf(message.chatId, new Set(rows.map((r) => r.userId)));
    return rows.filter((r) => !viewers.has(r.userId));
  }

  async function chatTitle(message: MessageDto): Promise<string> {
    const [chat] = await db
      .select({ kind: chats.kind, title: sql<string | null>`coalesce(${entities.title}, ${chats.title})` })
      .from(chats)
      .leftJoin(entities, and(eq(chats.kind, "entity"), eq(entities.type, chats.entityType), eq(entities.key, chats.entityKey)))
      .where(eq(chats.id, message.chatId));
    // A direct chat is named after the other person, who is the sender here.
    if (!chat || chat.kind === "direct" || !chat.title) return message.sender.name || "Floorchat";
    return chat.title;
  }

  /** One request to the push service; what happened, for settle() to act on. */
  async function attempt(target: Target, send: Send, ttlSeconds: number): Promise<{ status: number | null; reason: string } | null> {
    try {
      await assertOutboundUrl(target.endpoint, { ...options.outbound, field: "endpoint" });
      const { publicKey, privateKey } = await vapidKeys();
      await webpush.sendNotification({ endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } }, send.payload, {
        vapidDetails: { subject: options.vapid.subject, publicKey, privateKey },
        TTL: ttlSeconds,
        urgency: send.urgency,
        ...(send.topic ? { topic: send.topic } : {}),
        contentEncoding: "aes128gcm",
        agent,
        timeout: TIMEOUT_MS,
      });
      return null;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // An endpoint that now resolves to a private address is not worth retrying.
      if (error instanceof DomainError) return { status: 0, reason };
      return { status: error instanceof webpush.WebPushError ? error.statusCode : null, reason };
    }
  }

  /**
   * Acts on an attempt's outcome: a success clears the subscription's failures, a dead
   * subscription goes, a failure for now waits in push_retries (`retry`: the row it came
   * from), and the last failure counts against the subscription.
   */
  async function settle(target: Target, send: Send, tries: number, failure: { status: number | null; reason: string } | null, retry?: PushRetry): Promise<void> {
    if (!failure) {
      await db.update(pushSubscriptions).set({ lastSuccessAt: sql`now()`, failures: 0 }).where(eq(pushSubscriptions.id, target.id));
      if (retry) await db.delete(pushRetries).where(eq(pushRetries.id, retry.id));
      return;
    }
    const { status, reason } = failure;
    // The browser unsubscribed or the push service forgot it: the subscription is dead (and
    // its waiting retries with it).
    if (status === 404 || status === 410) {
      await db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.id, target.id), eq(pushSubscriptions.endpoint, target.endpoint)));
      if (retry) await db.delete(pushRetries).where(eq(pushRetries.id, retry.id));
      return;
    }
    const delay = delays[tries - 1];
    const isTransient = status === null || status === 429 || status >= 500;
    if (isTransient && delay !== undefined) {
      const nextAttemptAt = new Date(Date.now() + delay);
      if (retry) await db.update(pushRetries).set({ attempts: tries, nextAttemptAt }).where(eq(pushRetries.id, retry.id));
      else await db.insert(pushRetries).values({ subscriptionId: target.id, payload: send.payload, urgency: send.urgency, topic: send.topic ?? null, attempts: tries, nextAttemptAt });
      // Sets the runner's timer for this retry, unless an earlier one is already set.
      if (!stopped) void runner.kick().catch(report);
      return;
    }
    console.error(`[push] gave up on subscription ${target.id} after ${tries} attempt(s): ${status ? `HTTP ${status}` : reason}`);
    await db
      .update(pushSubscriptions)
      .set({ failures: sql`${pushSubscriptions.failures} + 1` })
      .where(eq(pushSubscriptions.id, target.id));
    if (retry) await db.delete(pushRetries).where(eq(pushRetries.id, retry.id));
  }

  async function first(target: Target, send: Send): Promise<void> {
    await settle(target, send, 1, await attempt(target, send, ttl));
  }

  /** Claims the retries that are due (any instance's) and makes their next attempt. */
  async function runRetries(): Promise<number> {
    const claimed = await db.transaction(async (tx) => {
      const due = await tx
        .select({ id: pushRetries.id })
        .from(pushRetries)
        .where(sql`${pushRetries.nextAttemptAt} <= now()`)
        .orderBy(pushRetries.nextAttemptAt)
        .limit(50)
        .for("update", { skipLocked: true });
      if (due.length === 0) return [];
      const rows = await tx
        .update(pushRetries)
        .set({ nextAttemptAt: sql`now() + ${sql.raw(`interval '${CLAIM_MS / 1000} seconds'`)}` })
        .where(inArray(pushRetries.id, due.map((r) => r.id)))
        .returning();
      const targets = await tx
        .select({ id: pushSubscriptions.id, endpoint: pushSubscriptions.endpoint, p256dh: pushSubscriptions.p256dh, auth: pushSubscriptions.auth, userId: pushSubscriptions.userId })
        .from(pushSubscriptions)
        .where(inArray(pushSubscriptions.id, [...new Set(rows.map((r) => r.subscriptionId))]));
      const byId = new Map(targets.map((t) => [t.id, { ...t, hideText: false }]));
      return rows.map((retry) => ({ retry, target: byId.get(retry.subscriptionId)! }));
    });
    await Promise.all(
      claimed.map(async ({ retry, target }) => {
        // The notification's lifetime counts from the first attempt: a push service keeps a
        // retried one no longer than the first would have been kept.
        const left = ttl - Math.floor((Date.now() - retry.createdAt.getTime()) / 1000);
        if (left <= 0) {
          await db.delete(pushRetries).where(eq(pushRetries.id, retry.id));
          return;
        }
        const send: Send = { payload: retry.payload, urgency: retry.urgency, topic: retry.topic ?? undefined };
        const tries = retry.attempts + 1;
        await settle(target, send, tries, await attempt(target, send, left), retry);
      }),
    );
    return claimed.length;
  }

  const runner = createQueueRunner({
    runOnce: async () => {
      try {
        return await runRetries();
      } finally {
        for (const wake of passWaiters.splice(0)) wake();
      }
    },
    label: "[push]",
    nextDueAt: async () => {
      const [next] = await db
        .select({ at: earliest(pushRetries.nextAttemptAt) })
        .from(pushRetries);
      return next?.at ?? null;
    },
  });

  async function run(request: PushRequest): Promise<void> {
    const { message } = request;
    const targets = await recipients(request);
    if (targets.length === 0) return;
    const title = await chatTitle(message);
    const base: PushPayload = { chatId: message.chatId, title, sender: message.sender.name, url: `/chats/${message.chatId}`, tag: `chat:${message.chatId}` };
    // Files alone (no caption): their names say what came, in any language.
    const files = message.attachments.map((a) => `${a.kind === "image" ? "📷" : "📎"} ${a.name}`).join(", ");
    const shown = JSON.stringify({ ...base, body: preview(message.body || files) });
    const hidden = JSON.stringify(base);
    const mentioned = new Set(request.mentionedUserIds ?? []);
    const isApproval = message.kind === "approval";
    await Promise.all(
      targets.map((target) =>
        first(
          target,
          {
            payload: target.hideText ? hidden : shown,
            urgency: isApproval || mentioned.has(target.userId) ? "high" : "normal",
            // A phone that was offline gets the chat's latest message, not a backlog; a request
            // for approval is never replaced by chatter.
            topic: isApproval ? undefined : message.chatId.replaceAll("-", ""),
          },
        ),
      ),
    );
  }

  /**
   * Resolves once nothing is being sent and no retry is waiting (in this database, so only
   * where this notifier is the one sending them: tests).
   */
  async function idle(): Promise<void> {
    for (;;) {
      await inFlight();
      const [waiting] = await db.select({ n: count() }).from(pushRetries);
      if (waiting!.n === 0 && busy === 0) return;
      await new Promise<void>((resolve) => passWaiters.push(resolve));
    }
  }

  return {
    publicKey: async () => (await vapidKeys()).publicKey,
    /** Pushes a committed message to whoever should hear of it; returns at once, never throws. */
    notify(request: PushRequest): void {
      if (stopped) return;
      begin();
      void run(request).catch(report).finally(end);
    },
    /** Polls for retries left by an instance that stopped (its own are timed exactly). */
    start(intervalMs = 30_000) {
      runner.start(intervalMs);
      void runner.kick().catch(report);
    },
    idle,
    /** Ends the attempts in flight; waiting retries stay queued for the next start. */
    async stop() {
      stopped = true;
      await runner.stop();
      await inFlight();
      agent.destroy();
    },
  };
}

export type PushNotifier = ReturnType<typeof createPushNotifier>;
