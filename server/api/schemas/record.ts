import { z } from "zod";
import { MAX_IMPORT_BYTES } from "~/server/services/record-import";
import { ZEntityType } from "./common";

// Characters, an outer bound: the service counts the 2 MB in bytes.
export const ZImportInput = z.object({
  csv: z.string().min(1, { error: "Paste the CSV or choose a file" }).max(MAX_IMPORT_BYTES, { error: "The file is larger than 2 MB" }),
});
export type TImportInput = z.infer<typeof ZImportInput>;

const ZProblem = z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])), message: z.string() });

export const ZImportPreview = z.object({
  file: ZProblem.nullable(),
  rows: z.array(
    z.object({
      line: z.number(),
      type: z.string(),
      key: z.string(),
      title: z.string(),
      action: z.enum(["create", "update"]).nullable(),
      problems: z.array(ZProblem),
    }),
  ),
  creates: z.number(),
  updates: z.number(),
  invalid: z.number(),
});

export const ZImportResult = z.object({ created: z.number(), updated: z.number() });

/** A record type's chat visibility: `open` (anyone who can scan may open) or `members` (invite-only). */
export const ZRecordChatVisibility = z.enum(["open", "members"]);
export const ZSetTypeVisibilityInput = z.object({ type: ZEntityType, visibility: ZRecordChatVisibility });
export type TSetTypeVisibilityInput = z.infer<typeof ZSetTypeVisibilityInput>;
export const ZTypeVisibilities = z.array(z.object({ type: z.string(), visibility: ZRecordChatVisibility }));
