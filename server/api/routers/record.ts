import { importRecords, previewRecordImport } from "~/server/services/record-import";
import { listRecordTypeVisibilities, setRecordTypeVisibility } from "~/server/services/record-types";
import { ZOk } from "../schemas/common";
import { ZImportInput, ZImportPreview, ZImportResult, ZSetTypeVisibilityInput, ZTypeVisibilities } from "../schemas/record";
import { adminProcedure, router } from "../trpc";

/** Records (PRODUCT.md W2) as admins import them from CSV. */
export const recordRouter = router({
  // A mutation although it writes nothing: a 2 MB file does not fit in a GET's URL.
  previewImport: adminProcedure
    .input(ZImportInput)
    .output(ZImportPreview)
    .mutation(({ ctx, input }) => previewRecordImport(ctx.db, input.csv)),
  import: adminProcedure
    .input(ZImportInput)
    .output(ZImportResult)
    .mutation(({ ctx, input }) => importRecords(ctx, ctx.actor, input.csv)),
  /** Record types whose chats are invite-only (`members`); every other type is `open`. */
  typeVisibilities: adminProcedure.output(ZTypeVisibilities).query(({ ctx }) => listRecordTypeVisibilities(ctx.db)),
  setTypeVisibility: adminProcedure
    .input(ZSetTypeVisibilityInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => (await setRecordTypeVisibility(ctx.db, ctx.actor, input.type, input.visibility), { ok: true as const })),
});
