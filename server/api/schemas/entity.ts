import { z } from "zod";
import { ZChatSummary } from "./chat";
import { ZEntityKey, ZEntityType } from "./common";

/** The longest code a label, a scanner or a person may hand us (record keys are at most this long). */
export const MAX_CODE_LENGTH = 100;

/**
 * A scanned or typed code. Control characters are refused: a scanner's prefix/suffix or a GS1
 * separator would otherwise end up inside a key and never match the record.
 */
export const ZScanCode = z
  .string()
  .trim()
  .min(1, { error: "Scan or type a code" })
  .max(MAX_CODE_LENGTH, { error: `At most ${MAX_CODE_LENGTH} characters` })
  .regex(/^[^\p{Cc}]+$/u, { error: "The code has characters a label cannot carry" });

export const ZResolveInput = z.object({ code: ZScanCode });
export type TResolveInput = z.infer<typeof ZResolveInput>;

export const ZRecordRef = z.object({ type: z.string(), key: z.string(), title: z.string(), status: z.string().nullable() });

export const ZResolution = z.discriminatedUnion("outcome", [
  z.object({ outcome: z.literal("opened"), record: ZRecordRef, chat: ZChatSummary }),
  z.object({ outcome: z.literal("choose"), code: z.string(), choices: z.array(ZRecordRef) }),
  z.object({
    outcome: z.literal("not_found"),
    code: z.string(),
    suggestedType: z.string().nullable(),
    types: z.array(z.string()),
    canCreate: z.boolean(),
  }),
]);

export const ZCreateRecordInput = z.object({
  type: ZEntityType,
  key: ZScanCode.pipe(ZEntityKey),
  title: z.string().trim().max(200, { error: "At most 200 characters" }).optional(),
});
export type TCreateRecordInput = z.infer<typeof ZCreateRecordInput>;

export const ZCreatedRecord = z.object({ created: z.boolean(), record: ZRecordRef, chat: ZChatSummary });

export const MAX_LABELS = 96;

/** The QR label sheet: records by type and part of the key. Empty fields mean "any". */
export const ZLabelsInput = z.object({
  type: z.union([ZEntityType, z.literal("")]).optional(),
  keyFilter: z.string().trim().max(100, { error: "At most 100 characters" }).optional(),
  limit: z.number().int().min(1).max(MAX_LABELS).default(24),
});
export type TLabelsInput = z.input<typeof ZLabelsInput>;

export const ZLabels = z.object({ types: z.array(z.string()), records: z.array(ZRecordRef) });
