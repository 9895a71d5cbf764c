import { and, desc, eq, notInArray, sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import { pushSubscriptions, users } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import { assertOutboundUrl } from "./outbound-url";
import type { OutboundPolicy } from "./webhooks";

/** Devices per person; subscribing one more forgets the one heard from least recently. */
export const MAX_DEVICES = 20;

export type SubscribeInput = { endpoint: string; keys: { p256dh: string; auth: string }; label: string };

const device = {
  id: pushSubscriptions.id,
  endpoint: pushSubscriptions.endpoint,
  label: pushSubscriptions.label,
  createdAt: pushSubscriptions.createdAt,
  lastSuccessAt: pushSubscriptions.lastSuccessAt,
};

/**
 * Keeps this browser's subscription for the actor. The endpoint is the browser's: subscribing
 * it again (a shared tablet, the next person signed in) moves it to the new person, so the
 * previous one stops hearing about chats they are no longer looking at.
 */
export async function subscribePush(db: Db, actor: Actor, input: SubscribeInput, policy: OutboundPolicy) {
  // Push endpoints are called by this server: the SSRF rules apply (DESIGN.md invariant 7),
  // and web-push speaks https only, loopback or not.
  const url = await assertOutboundUrl(input.endpoint, { ...policy, field: "endpoint" });
  if (url.protocol !== "https:") throw new DomainError("invalid", "Only https URLs are allowed", { endpoint: "Only https URLs are allowed" });
  return db.transaction(async (tx) => {
    const values = { userId: actor.id, p256dh: input.keys.p256dh, auth: input.keys.auth, label: input.label };
    const [row] = await tx
      .insert(pushSubscriptions)
      .values({ endpoint: input.endpoint, ...values })
      .onConflictDoUpdate({
        target: pushSubscriptions.endpoint,
        // Another person's history on this endpoint is not the new owner's.
        set: {
          ...values,
          createdAt: sql`case when ${pushSubscriptions.userId} = ${actor.id} then ${pushSubscriptions.createdAt} else now() end`,
          lastSuccessAt: sql`case when ${pushSubscriptions.userId} = ${actor.id} then ${pushSubscriptions.lastSuccessAt} end`,
          failures: 0,
        },
      })
      .returning(device);
    const kept = await tx
      .select({ id: pushSubscriptions.id })
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.userId, actor.id))
      .orderBy(desc(sql`coalesce(${pushSubscriptions.lastSuccessAt}, ${pushSubscriptions.createdAt})`))
      .limit(MAX_DEVICES);
    await tx.delete(pushSubscriptions).where(
      and(
        eq(pushSubscriptions.userId, actor.id),
        notInArray(
          pushSubscriptions.id,
          [...kept.map((k) => k.id), row!.id],
        ),
      ),
    );
    return row!;
  });
}

/**
 * The browser replaced this device's subscription (the push service rotated it: the service
 * worker's `pushsubscriptionchange`): the new endpoint takes the old one's place and its name,
 * and the old one, the actor's own, is forgotten. Without the old endpoint (the browser did not
 * say) it is a plain subscribe.
 */
export async function resubscribePush(db: Db, actor: Actor, oldEndpoint: string | null, input: Omit<SubscribeInput, "label">, policy: OutboundPolicy) {
  const [old] = oldEndpoint
    ? await db
        .select({ label: pushSubscriptions.label })
        .from(pushSubscriptions)
        .where(and(eq(pushSubscriptions.endpoint, oldEndpoint), eq(pushSubscriptions.userId, actor.id)))
    : [];
  const device = await subscribePush(db, actor, { ...input, label: old?.label ?? "" }, policy);
  if (oldEndpoint && oldEndpoint !== input.endpoint) await unsubscribePush(db, actor, oldEndpoint);
  return device;
}

/** This browser stops receiving for the actor. Unknown or someone else's endpoint: nothing to do. */
export async function unsubscribePush(db: Db, actor: Actor, endpoint: string): Promise<{ removed: boolean }> {
  const removed = await db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.endpoint, endpoint), eq(pushSubscriptions.userId, actor.id)))
    .returning({ id: pushSubscriptions.id });
  return { removed: removed.length > 0 };
}

/** Forgets one of the actor's devices (a lost phone, a browser no longer used). */
export async function removePushDevice(db: Db, actor: Actor, id: string): Promise<void> {
  const removed = await db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.id, id), eq(pushSubscriptions.userId, actor.id)))
    .returning({ id: pushSubscriptions.id });
  if (removed.length === 0) throw new DomainError("not_found", "No such device");
}

export function listPushDevices(db: Db, actor: Actor) {
  return db.select(device).from(pushSubscriptions).where(eq(pushSubscriptions.userId, actor.id)).orderBy(desc(pushSubscriptions.createdAt));
}

export async function pushSettings(db: Db, actor: Actor): Promise<{ hideText: boolean }> {
  const [row] = await db.select({ hideText: users.pushHideText }).from(users).where(eq(users.id, actor.id));
  return { hideText: row?.hideText ?? false };
}

export async function setPushHideText(db: Db, actor: Actor, hideText: boolean): Promise<{ hideText: boolean }> {
  await db.update(users).set({ pushHideText: hideText }).where(eq(users.id, actor.id));
  return { hideText };
}
