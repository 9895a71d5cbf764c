import https from "node:https";
import { and, eq, isNull, ne, or, sql } from "drizzle-orm";
import webpush from "web-push";
import { z } from "zod";
import type { Db } from "~/db/client";
import { chatMembers, chats, entities, pushSubscriptions, settings, users } from "~/db/schema";
import { DomainError } from "~/server/domain-error";
import type { MessageDto } from "~/contracts/messages";
import type { ViewingStore } from "~/server/realtime/viewing-store";
import { canReadChat } from "./access";
import { compiled, runCompiled } from "~/server/services/message/statement";
import { assertOutboundUrl, guardedLookup } from "./outbound-url";
import type { OutboundPolicy } from "./webhooks";

/**
 * Web Push (RFC 8030, payload encryption RFC 8291, VAPID RFC 8292) for new messages, sent after
 * the message's transaction commits (DESIGN.md invariant 5): nothing here can fail or delay a
 * send. Retries live in this process's timers; a restart forgets them, which costs a
 * notification, never a message.
 */

export const VAPID_SETTING = "vapid";
/** A notification older than this is stale: the person will have seen the chat by then. */
export const PUSH_TTL_S = 24 * 3600;
/** Delays before the 2nd, 3rd, … attempt after a network error, 429 or 5xx. */
export const PUSH_RETRY_DELAYS_MS = [5_000, 30_000, 120_000];
export const PREVIEW_LENGTH = 140;
const TIMEOUT_MS = 10_000;

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
  // Every connection resolves names through the SSRF rules, so a subscription's host cannot
  // be re-pointed at an internal address between the check and the request.
  const agent = new https.Agent({ keepAlive: true, lookup: guardedLookup(options.outbound), ...(options.ca ? { ca: options.ca } : {}) });
  let keys: Promise<VapidKeys> | null = null;
  const vapidKeys = () => {
    keys ??= resolveVapidKeys(db, options.vapid.keys);
    keys.catch(() => (keys = null));
    return keys;
  };

  // Work in flight or waiting for a retry, so tests and shutdown can wait for it to settle.
  let busy = 0;
  const waiters: (() => void)[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const begin = () => void busy++;
  const end = () => {
    if (--busy === 0) for (const wake of waiters.splice(0)) wake();
  };

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

  async function attempt(target: Target, send: Send, tries: number): Promise<void> {
    let status: number | null = null;
    let reason: string;
    try {
      await assertOutboundUrl(target.endpoint, { ...options.outbound, field: "endpoint" });
      const { publicKey, privateKey } = await vapidKeys();
      await webpush.sendNotification({ endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } }, send.payload, {
        vapidDetails: { subject: options.vapid.subject, publicKey, privateKey },
        TTL: options.ttlSeconds ?? PUSH_TTL_S,
        urgency: send.urgency,
        ...(send.topic ? { topic: send.topic } : {}),
        contentEncoding: "aes128gcm",
        agent,
        timeout: TIMEOUT_MS,
      });
      await db.update(pushSubscriptions).set({ lastSuccessAt: sql`now()`, failures: 0 }).where(eq(pushSubscriptions.id, target.id));
      return;
    } catch (error) {
      if (error instanceof webpush.WebPushError) status = error.statusCode;
      reason = error instanceof Error ? error.message : String(error);
      // An endpoint that now resolves to a private address is not worth retrying.
      if (error instanceof DomainError) status = 0;
    }
    // The browser unsubscribed or the push service forgot it: the subscription is dead.
    if (status === 404 || status === 410) {
      await db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.id, target.id), eq(pushSubscriptions.endpoint, target.endpoint)));
      return;
    }
    const delay = delays[tries - 1];
    const isTransient = status === null || status === 429 || status >= 500;
    if (isTransient && delay !== undefined && !stopped) {
      begin();
      const timer = setTimeout(() => {
        timers.delete(timer);
        void attempt(target, send, tries + 1)
          .catch((error: unknown) => console.error("[push]", error))
          .finally(end);
      }, delay);
      timer.unref();
      timers.add(timer);
      return;
    }
    console.error(`[push] gave up on subscription ${target.id} after ${tries} attempt(s): ${status ? `HTTP ${status}` : reason}`);
    await db
      .update(pushSubscriptions)
      .set({ failures: sql`${pushSubscriptions.failures} + 1` })
      .where(eq(pushSubscriptions.id, target.id));
  }

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
        attempt(
          target,
          {
            payload: target.hideText ? hidden : shown,
            urgency: isApproval || mentioned.has(target.userId) ? "high" : "normal",
            // A phone that was offline gets the chat's latest message, not a backlog; a request
            // for approval is never replaced by chatter.
            topic: isApproval ? undefined : message.chatId.replaceAll("-", ""),
          },
          1,
        ),
      ),
    );
  }

  /** Resolves once nothing is being sent or waiting for a retry. */
  function idle(): Promise<void> {
    return busy === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
  }

  return {
    publicKey: async () => (await vapidKeys()).publicKey,
    /** Pushes a committed message to whoever should hear of it; returns at once, never throws. */
    notify(request: PushRequest): void {
      if (stopped) return;
      begin();
      void run(request)
        .catch((error: unknown) => console.error("[push]", error))
        .finally(end);
    },
    idle,
    async stop() {
      stopped = true;
      for (const timer of timers) {
        clearTimeout(timer);
        end();
      }
      timers.clear();
      await idle();
      agent.destroy();
    },
  };
}

export type PushNotifier = ReturnType<typeof createPushNotifier>;
