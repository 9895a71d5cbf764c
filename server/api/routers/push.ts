import { z } from "zod";
import {
  listPushDevices,
  pushSettings,
  removePushDevice,
  resubscribePush,
  setPushHideText,
  subscribePush,
  unsubscribePush,
} from "~/server/services/push-subscriptions";
import { ZOk } from "../schemas/common";
import { ZDevice, ZDeviceRef, ZEndpointRef, ZPushSettings, ZResubscribeInput, ZSubscribeInput } from "../schemas/push";
import { authedProcedure, router } from "../trpc";

/** Web Push on the person's devices (PRODUCT.md N1, N3). */
export const pushRouter = router({
  vapidPublicKey: authedProcedure.output(z.object({ publicKey: z.string() })).query(async ({ ctx }) => ({ publicKey: await ctx.push.publicKey() })),
  subscribe: authedProcedure
    .input(ZSubscribeInput)
    .output(ZDevice)
    .mutation(({ ctx, input }) => subscribePush(ctx.db, ctx.actor, input, ctx.outbound)),
  /** From the service worker, when the browser rotated this device's subscription. */
  resubscribe: authedProcedure
    .input(ZResubscribeInput)
    .output(ZDevice)
    .mutation(({ ctx, input }) => resubscribePush(ctx.db, ctx.actor, input.oldEndpoint, input.subscription, ctx.outbound)),
  unsubscribe: authedProcedure
    .input(ZEndpointRef)
    .output(z.object({ removed: z.boolean() }))
    .mutation(({ ctx, input }) => unsubscribePush(ctx.db, ctx.actor, input.endpoint)),
  remove: authedProcedure
    .input(ZDeviceRef)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => (await removePushDevice(ctx.db, ctx.actor, input.id), { ok: true as const })),
  devices: authedProcedure.output(z.array(ZDevice)).query(({ ctx }) => listPushDevices(ctx.db, ctx.actor)),
  settings: authedProcedure.output(ZPushSettings).query(({ ctx }) => pushSettings(ctx.db, ctx.actor)),
  setHideText: authedProcedure
    .input(z.object({ hideText: z.boolean() }))
    .output(ZPushSettings)
    .mutation(({ ctx, input }) => setPushHideText(ctx.db, ctx.actor, input.hideText)),
});
