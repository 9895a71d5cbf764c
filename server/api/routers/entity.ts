import { entityHistory } from "~/server/services/messages";
import { ZEntityHistory, ZEntityHistoryInput } from "../schemas/message";
import { authedProcedure, router } from "../trpc";

export const entityRouter = router({
  history: authedProcedure.input(ZEntityHistoryInput).output(ZEntityHistory).query(({ ctx, input }) => entityHistory(ctx.db, ctx.actor, input)),
});
