import { getDb } from "~/db/client";
import { getProcessSessionCache } from "./auth-cache";
import { type Env, getEnv, vapidSubject } from "./env";
import { getProcessRealtime } from "./realtime";
import type { Deps } from "./services/deps";
import { type LastActive, createLastActive } from "./services/last-active";
import { type PushNotifier, createPushNotifier } from "./services/push";
import { MUTATION_RATE, SEND_RATE, createRateLimiter } from "./services/rate-limit";
import { type WebhookWorker, createWebhookWorker } from "./services/webhooks";
import { type SmsConfig, smsConfigFrom } from "./services/sms/config";
import { createTwilioProvider } from "./services/sms/provider";
import { type SmsWorker, createSmsWorker } from "./services/sms/worker";

/**
 * The services' dependencies for this process: one database, one realtime hub, one webhook
 * sender, one push sender and per-process rate limits, shared by tRPC, the REST API and the custom server.
 */
type ProcessServices = {
  webhooks?: WebhookWorker;
  sendLimiter?: Deps["sendLimiter"];
  mutationLimiter?: Deps["mutationLimiter"];
  push?: PushNotifier;
  lastActive?: LastActive;
  sms?: { config: SmsConfig; worker: SmsWorker } | null;
};
// On globalThis: the server bundle (dist/server/main.mjs) and Next's bundles are two copies of
// this module in one process, and both must use the same worker and limits.
const key = Symbol.for("floorchat.processDeps");
const holder = ((globalThis as { [key]?: ProcessServices })[key] ??= {});

export function outboundPolicy(env: Env) {
  return { allowLoopback: env.OUTBOUND_ALLOW_LOOPBACK ?? false };
}

export async function getProcessDeps(env: Env = getEnv()): Promise<Deps> {
  const db = await getDb(env);
  const realtime = getProcessRealtime();
  const outbound = outboundPolicy(env);
  holder.webhooks ??= createWebhookWorker(db, outbound);
  const configured = env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY ? { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY } : null;
  holder.push ??= createPushNotifier({ db, vapid: { keys: configured, subject: vapidSubject(env) }, outbound, viewing: realtime.viewing });
  // Per process: each app instance limits the senders it serves (README, Limits).
  holder.sendLimiter ??= createRateLimiter(SEND_RATE);
  holder.mutationLimiter ??= createRateLimiter(MUTATION_RATE);
  holder.lastActive ??= createLastActive(db);
  if (holder.sms === undefined) {
    const config = smsConfigFrom(env);
    holder.sms = config ? { config, worker: createSmsWorker({ db, realtime, provider: createTwilioProvider(config), config }) } : null;
  }
  return {
    db,
    realtime,
    presence: realtime.presence,
    sendLimiter: holder.sendLimiter,
    mutationLimiter: holder.mutationLimiter,
    webhooks: holder.webhooks,
    outbound,
    push: holder.push,
    viewing: realtime.viewing,
    sessions: getProcessSessionCache(),
    lastActive: holder.lastActive,
    sms: holder.sms,
  };
}

/** On shutdown: writes the last-active times still pending. */
export async function closeLastActive(): Promise<void> {
  await holder.lastActive?.close();
}

/** Started by server/main.ts: retries and anything queued by another instance. */
export async function startWebhookWorker(env: Env): Promise<WebhookWorker> {
  const deps = await getProcessDeps(env);
  const worker = holder.webhooks!;
  worker.start();
  void deps.webhooks.kick().catch((error: unknown) => console.error("[webhooks]", error));
  return worker;
}

/** Started by server/main.ts when SMS is configured: what is queued, and retries. */
export async function startSmsWorker(env: Env): Promise<SmsWorker | null> {
  const deps = await getProcessDeps(env);
  const worker = deps.sms ? holder.sms!.worker : null;
  worker?.start();
  return worker;
}

/** Started by server/main.ts: push retries, this instance's and any a stopped one left. */
export async function startPushRetries(env: Env): Promise<PushNotifier> {
  await getProcessDeps(env);
  holder.push!.start();
  return holder.push!;
}
