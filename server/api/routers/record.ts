import { importRecords, previewRecordImport } from "~/server/services/record-import";
import { ZImportInput, ZImportPreview, ZImportResult } from "../schemas/record";
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
});
