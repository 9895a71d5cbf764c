import { z } from "zod";
import { mentionedRecords, suggestMentions } from "~/server/services/message/mentions";
import { ZMentionSuggestions, ZMentionedRecord, ZMentionedRecordsInput, ZSuggestMentionsInput } from "../schemas/mention";
import { authedProcedure, router } from "../trpc";

export const mentionRouter = router({
  /** People and records for "@…" in the composer of a chat. */
  suggest: authedProcedure.input(ZSuggestMentionsInput).output(ZMentionSuggestions).query(({ ctx, input }) => suggestMentions(ctx.db, ctx.actor, input)),
  /** Mentioned records as they are now: their chips show the live status. */
  records: authedProcedure.input(ZMentionedRecordsInput).output(z.array(ZMentionedRecord)).query(({ ctx, input }) => mentionedRecords(ctx.db, input.ids)),
});
