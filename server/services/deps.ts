import type { Db } from "~/db/client";
import type { SessionCache } from "~/server/auth-cache";
import type { Publisher } from "~/server/realtime/envelope";
import type { PresenceStore } from "~/server/realtime/presence-store";
import type { ViewingStore } from "~/server/realtime/viewing-store";
import type { LastActive } from "./last-active";
import type { PushNotifier } from "./push";
import type { RateLimiter } from "./rate-limit";
import type { SmsConfig } from "./sms/config";
import type { SmsWorker } from "./sms/worker";
import type { OutboundPolicy, WebhookWorker } from "./webhooks";

/**
 * What services need beyond the actor: the database, a way to publish events after commit,
 * and who is online. Routers pass the process's; tests build their own.
 */
export type Deps = {
  db: Db;
  realtime: Publisher;
  presence: Pick<PresenceStore, "onlineUserIds">;
  sendLimiter: RateLimiter;
  /** Every tRPC mutation, per user (server/api/trpc.ts): typing, reactions, read marks and the rest. */
  mutationLimiter: RateLimiter;
  /** Nudged after a commit that queued webhook deliveries, so they go out at once. */
  webhooks: Pick<WebhookWorker, "kick">;
  /** Which outbound URLs (webhooks, push endpoints) may be registered: loopback only in tests (OUTBOUND_ALLOW_LOOPBACK). */
  outbound: OutboundPolicy;
  /** Told of each committed message worth a notification; returns at once, never fails a send. */
  push: Pick<PushNotifier, "notify" | "publicKey">;
  /** What each live stream connection is showing, as its client reports (push skips it). */
  viewing: Pick<ViewingStore, "show">;
  /** Who each session cookie belongs to, and how services that end sessions or change rights tell every instance. */
  sessions: SessionCache;
  /** Batches users' last-active time (a send no longer writes it). */
  lastActive: Pick<LastActive, "touch">;
  /** Two-way SMS (PRODUCT.md C6); absent when no provider is configured (nothing pretends to send). */
  sms?: { config: SmsConfig; worker: Pick<SmsWorker, "kick"> } | null;
};
