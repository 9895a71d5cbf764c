import { z } from "zod";
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks } from "~/server/services/webhooks";
import { ZOk } from "../schemas/common";
import { ZCreateWebhookInput, ZCreatedWebhook, ZDeliveriesInput, ZDelivery, ZWebhookListItem, ZWebhookRef } from "../schemas/webhook";
import { adminProcedure, router } from "../trpc";

/** Outgoing webhooks (PRODUCT.md A4): admins only. */
export const webhookRouter = router({
  list: adminProcedure.output(z.array(ZWebhookListItem)).query(({ ctx }) => listWebhooks(ctx.db)),
  create: adminProcedure
    .input(ZCreateWebhookInput)
    .output(ZCreatedWebhook)
    .mutation(({ ctx, input }) => createWebhook(ctx.db, ctx.actor, input, ctx.outbound)),
  delete: adminProcedure
    .input(ZWebhookRef)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => (await deleteWebhook(ctx.db, ctx.actor, input.id), { ok: true as const })),
  deliveries: adminProcedure
    .input(ZDeliveriesInput)
    .output(z.array(ZDelivery))
    .query(({ ctx, input }) => listDeliveries(ctx.db, input.webhookId, input.limit)),
});
