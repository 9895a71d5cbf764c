import { getDb } from "~/db/client";
import { type Env, getEnv, vapidSubject } from "./env";
import { getProcessRealtime } from "./realtime";
import type { Deps } from "./services/deps";
import { type LastActive, createLastActive } from "./services/last-active";
import { type PushNotifier, createPushNotifier } from "./services/push";
import { MUTATION_RATE, SEND_RATE, createRateLimiter } from "./services/rate-limit";
import { type WebhookWorker, createWebhookWorker } from "./services/webhooks";

/**
 * The services' dependencies for this process: one database, one realtime hub, one webhook
 * sender, one push sender and per-process rate limits, shared by tRPC, the REST API and the custom server.
 */
type Holder = {
  __floorchatWebhooks?: WebhookWorker;
  __floorchatSendLimiter?: Deps["sendLimiter"];
  __floorchatMutationLimiter?: Deps["mutationLimiter"];
  __floorchatPush?: PushNotifier;
  __floorchatLastActive?: LastActive;
};
const holder = globalThis as Holder;

export function outboundPolicy(env: Env) {
  return { allowLoopback: env.OUTBOUND_ALLOW_LOOPBACK ?? false };
}

export async function getProcessDeps(env: Env = getEnv()): Promise<Deps> {
  const db = await getDb(env);
  const realtime = getProcessRealtime();
  const outbound = outboundPolicy(env);
  holder.__floorchatWebhooks ??= createWebhookWorker(db, outbound);
  const configured = env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY ? { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY } : null;
  holder.__floorchatPush ??= createPushNotifier({ db, vapid: { keys: configured, subject: vapidSubject(env) }, outbound, viewing: realtime.viewing });
  // Per process: each app instance limits the senders it serves (README, Limits).
  holder.__floorchatSendLimiter ??= createRateLimiter(SEND_RATE);
  holder.__floorchatMutationLimiter ??= createRateLimiter(MUTATION_RATE);
  holder.__floorchatLastActive ??= createLastActive(db);
  return {
    db,
    realtime,
    presence: realtime.presence,
    sendLimiter: holder.__floorchatSendLimiter,
    mutationLimiter: holder.__floorchatMutationLimiter,
    webhooks: holder.__floorchatWebhooks,
    outbound,
    push: holder.__floorchatPush,
    viewing: realtime.viewing,
    lastActive: holder.__floorchatLastActive,
  };
}

/** On shutdown: writes the last-active times still pending. */
export async function closeLastActive(): Promise<void> {
  await holder.__floorchatLastActive?.close();
}

/** Started by server/main.ts: retries and anything queued by another instance. */
export async function startWebhookWorker(env: Env): Promise<WebhookWorker> {
  const deps = await getProcessDeps(env);
  const worker = holder.__floorchatWebhooks!;
  worker.start();
  void deps.webhooks.kick().catch((error: unknown) => console.error("[webhooks]", error));
  return worker;
}
