import { DomainError } from "~/server/domain-error";
import { ZOk } from "../schemas/common";
import { ZViewingInput } from "../schemas/stream";
import { authedProcedure, router } from "../trpc";

/** Reports from the live stream's client (the stream itself is GET /api/stream). */
export const streamRouter = router({
  /**
   * The page of this connection shows these chats, or none (another screen, or hidden). No read
   * check on the chats: a report only keeps the reporter's own notifications quiet.
   */
  viewing: authedProcedure
    .input(ZViewingInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      const chatIds = "chatIds" in input ? [...new Set(input.chatIds)] : input.chatId ? [input.chatId] : [];
      if (!(await ctx.viewing.show(input.connectionId, ctx.actor.id, chatIds))) {
        throw new DomainError("not_found", "No such stream connection");
      }
      return { ok: true as const };
    }),
});
