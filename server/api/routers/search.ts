import { searchMessages } from "~/server/services/search";
import { ZSearchMessagesInput, ZSearchPage } from "../schemas/search";
import { authedProcedure, router } from "../trpc";

export const searchRouter = router({
  messages: authedProcedure.input(ZSearchMessagesInput).output(ZSearchPage).query(({ ctx, input }) => searchMessages(ctx.db, ctx.actor, input)),
});
