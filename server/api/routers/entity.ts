import { createRecord, listRecordTypes, listRecordsForLabels, resolveCode } from "~/server/services/entities";
import { entityHistory } from "~/server/services/message/history";
import { ZCreateRecordInput, ZCreatedRecord, ZLabels, ZLabelsInput, ZResolution, ZResolveInput } from "../schemas/entity";
import { ZEntityHistory, ZEntityHistoryInput } from "../schemas/message";
import { authedProcedure, managerProcedure, router } from "../trpc";

export const entityRouter = router({
  history: authedProcedure.input(ZEntityHistoryInput).output(ZEntityHistory).query(({ ctx, input }) => entityHistory(ctx.db, input, ctx.actor)),
  /** A scanned or typed code → its record's chat (opened), the records to choose from, or "not found". */
  resolve: authedProcedure.input(ZResolveInput).output(ZResolution).mutation(({ ctx, input }) => resolveCode(ctx, ctx.actor, input.code)),
  create: authedProcedure.input(ZCreateRecordInput).output(ZCreatedRecord).mutation(({ ctx, input }) => createRecord(ctx, ctx.actor, input)),
  /** Records to print QR labels for, and the types to choose from (managers and admins). */
  labels: managerProcedure
    .input(ZLabelsInput)
    .output(ZLabels)
    .query(async ({ ctx, input }) => ({
      types: await listRecordTypes(ctx.db),
      records: await listRecordsForLabels(ctx.db, ctx.actor, { type: input.type || undefined, keyFilter: input.keyFilter || undefined, limit: input.limit }),
    })),
});
