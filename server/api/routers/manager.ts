import { z } from "zod";
import { createQuickReply, deleteQuickReply, listQuickReplies, updateQuickReply, waitingQueue } from "~/server/services/manager";
import { ZOk } from "../schemas/common";
import {
  ZCreateQuickReplyInput,
  ZQueueInput,
  ZQueueItem,
  ZQuickReply,
  ZQuickReplyRef,
  ZUpdateQuickReplyInput,
} from "../schemas/manager";
import { managerProcedure, router } from "../trpc";

export const managerRouter = router({
  queue: managerProcedure.input(ZQueueInput).output(z.array(ZQueueItem)).query(({ ctx, input }) => waitingQueue(ctx.db, ctx.actor, input)),
  quickReplies: managerProcedure.output(z.array(ZQuickReply)).query(({ ctx }) => listQuickReplies(ctx.db, ctx.actor)),
  createQuickReply: managerProcedure
    .input(ZCreateQuickReplyInput)
    .output(ZQuickReply)
    .mutation(({ ctx, input }) => createQuickReply(ctx.db, ctx.actor, input)),
  updateQuickReply: managerProcedure
    .input(ZUpdateQuickReplyInput)
    .output(ZQuickReply)
    .mutation(({ ctx, input }) => updateQuickReply(ctx.db, ctx.actor, input)),
  deleteQuickReply: managerProcedure
    .input(ZQuickReplyRef)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => (await deleteQuickReply(ctx.db, ctx.actor, input), { ok: true as const })),
});
