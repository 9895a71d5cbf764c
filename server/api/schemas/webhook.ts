import { z } from "zod";
import { WEBHOOK_EVENTS } from "~/server/services/webhooks";
import { ZId } from "./common";

export const ZWebhookEvent = z.enum(WEBHOOK_EVENTS);

export const ZWebhookListItem = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(ZWebhookEvent),
  active: z.boolean(),
  createdAt: z.date(),
  pending: z.number(),
  failed: z.number(),
});

/** The URL's safety (https, no internal hosts) is the service's check: it resolves the name. */
export const ZCreateWebhookInput = z.object({
  url: z.string().trim().min(1, { error: "Give the receiver's URL" }).max(2000, { error: "At most 2,000 characters" }),
  events: z.array(ZWebhookEvent, { error: "Choose the events to send" }).min(1, { error: "Choose at least one event" }),
});
export type TCreateWebhookInput = z.infer<typeof ZCreateWebhookInput>;

/** The only time the signing secret leaves the server. */
export const ZCreatedWebhook = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(ZWebhookEvent),
  secret: z.string(),
  createdAt: z.date(),
});

export const ZWebhookRef = z.object({ id: ZId });

export const ZDeliveriesInput = z.object({ webhookId: ZId, limit: z.number().int().min(1).max(200).optional() });

export const ZDelivery = z.object({
  id: z.string(),
  event: z.string(),
  state: z.enum(["pending", "delivered", "failed"]),
  attempts: z.number(),
  lastStatus: z.number().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.date(),
  createdAt: z.date(),
  deliveredAt: z.date().nullable(),
});
