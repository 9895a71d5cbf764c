import { z } from "zod";
import { DomainError } from "~/server/domain-error";
import { assertCanRead } from "~/server/services/access";
import { createToken, listTokens, revokeToken } from "~/server/services/tokens";
import { ZOk } from "../schemas/common";
import { ZCreateTokenInput, ZCreatedToken, ZTokenListItem, ZTokenRef } from "../schemas/token";
import { adminProcedure, router } from "../trpc";

/** API tokens for scripts (PRODUCT.md A2): admins only. */
export const tokenRouter = router({
  list: adminProcedure.output(z.array(ZTokenListItem)).query(({ ctx }) => listTokens(ctx.db)),
  create: adminProcedure
    .input(ZCreateTokenInput)
    .output(ZCreatedToken)
    .mutation(async ({ ctx, input }) => {
      // A token can be bound only to a chat its creator can read.
      if (input.chatId) {
        await assertCanRead(ctx.db, ctx.actor, input.chatId).catch(() => {
          throw new DomainError("invalid", "Choose a chat you can see", { chatId: "Choose a chat you can see" });
        });
      }
      return createToken(ctx.db, ctx.actor, input);
    }),
  revoke: adminProcedure
    .input(ZTokenRef)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => (await revokeToken(ctx.db, ctx.actor, input.id), { ok: true as const })),
});
