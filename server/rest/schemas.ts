import { z } from "zod";
import { ZEntityKey, ZEntityType, ZId } from "~/server/api/schemas/common";
import { MESSAGE_MAX_LENGTH } from "~/contracts/limits";

/** Request and response shapes of the REST API: they validate and they document (openapi.ts). */
export const ZRecordPath = z.object({ type: ZEntityType, key: ZEntityKey });

export const ZRecordInput = z
  .object({
    title: z.string().trim().min(1, { error: "Give the record a title" }).max(200, { error: "At most 200 characters" }),
    status: z.string().trim().max(60, { error: "At most 60 characters" }).nullish(),
    url: z
      .url({ protocol: /^https?$/, error: "An http(s) URL" })
      .max(2000)
      .nullish(),
    fields: z
      .record(z.string().max(100), z.unknown())
      .refine((fields) => JSON.stringify(fields).length <= 16_000, { error: "At most 16,000 characters of JSON" })
      .optional(),
  })
  .meta({ id: "RecordInput" });

export const ZRecord = z
  .object({
    type: z.string(),
    key: z.string(),
    title: z.string(),
    status: z.string().nullable(),
    url: z.string().nullable(),
    fields: z.record(z.string(), z.unknown()),
    chatId: z.string().nullable().describe("The record's chat, once someone has opened it"),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Record" });

export const ZUpsertResult = ZRecord.extend({ created: z.boolean() }).meta({ id: "RecordUpsert" });

export const ZMessageText = z
  .string()
  .trim()
  .min(1, { error: "Write something first" })
  .max(MESSAGE_MAX_LENGTH, { error: `At most ${MESSAGE_MAX_LENGTH} characters` });

export const ZClientId = z
  .string()
  .min(8, { error: "At least 8 characters" })
  .max(64)
  .regex(/^[\w-]+$/, { error: "Letters, digits, - and _" })
  .describe("Idempotency key: a retry with the same value returns the original message");

export const ZLogEntry = z
  .object({
    id: z.string(),
    seq: z.number(),
    at: z.string(),
    kind: z.enum(["text", "system", "approval", "sms_in", "sms_out"]),
    sender: z.object({ kind: z.enum(["user", "system", "contact"]), id: z.string().nullable(), name: z.string() }),
    body: z.string().nullable().describe("null once deleted"),
    editedAt: z.string().nullable(),
  })
  .meta({ id: "LogEntry" });

export const ZHistoryQuery = z.object({
  after: z.coerce.number().int().min(0).optional().describe("Only entries with a larger seq (paging)"),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export const ZHistory = z
  .object({ chatId: z.string().nullable(), entries: z.array(ZLogEntry), hasMore: z.boolean() })
  .meta({ id: "History" });

export const ZParticipant = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .describe("A user name, a user id, `group:<name>` or `on-duty:<rota>`");

export const ZSystemChatInput = z
  .object({
    title: z.string().trim().min(1, { error: "Give the chat a title" }).max(120),
    participants: z.array(ZParticipant).min(1, { error: "Name at least one participant" }).max(200),
    message: ZMessageText,
    takeable: z.boolean().optional().describe('Offer "I\'ll take it": the first to tap takes the request, for everyone'),
    entity: ZRecordPath.nullish(),
    clientId: ZClientId.optional(),
  })
  .meta({ id: "SystemChatInput" });

export const ZPostedMessage = z
  .object({ id: z.string(), chatId: z.string(), seq: z.number(), createdAt: z.string() })
  .meta({ id: "PostedMessage" });

export const ZSystemChat = z
  .object({ chatId: z.string(), participants: z.array(z.string()).describe("User ids"), message: ZPostedMessage })
  .meta({ id: "SystemChat" });

export const ZChatPath = z.object({ id: ZId });

export const ZPostInput = z
  .object({ message: ZMessageText, takeable: z.boolean().optional(), clientId: ZClientId.optional() })
  .meta({ id: "PostInput" });

export const ZError = z
  .object({
    error: z.object({
      code: z.string().describe("invalid, unauthorized, forbidden, not_found, conflict, too_large, rate_limited, internal"),
      message: z.string(),
      fields: z.record(z.string(), z.string()).optional().describe("Per-field messages (400)"),
    }),
  })
  .meta({ id: "Error" });
