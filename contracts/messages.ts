/**
 * What a message is on the wire: the tRPC answers, the REST answers and the live stream all
 * carry these shapes. The zod schemas are the source; the types are derived from them, so the
 * server's output validation and the browser's types cannot drift apart.
 */
import { z } from "zod";
import { SMS_STATUSES } from "./sms";

export type ChatKind = "company" | "room" | "direct" | "entity" | "system" | "sms";

/** The structured part of a message (`messages.data`): an approval card, a "whoever takes it" request, a status change. */
export const ZMessageData = z.discriminatedUnion("type", [
  z.object({ type: z.literal("status"), from: z.string().nullable(), to: z.string().nullable() }),
  z.object({ type: z.literal("approval"), approvalId: z.string() }),
  z.object({ type: z.literal("take"), takenBy: z.object({ id: z.string(), name: z.string(), at: z.string() }).nullable() }),
  // The confirmation that a message went to the host system as a note or a task (PRODUCT.md M9).
  z.object({
    type: z.literal("action"),
    action: z.enum(["note", "task"]),
    messageId: z.string(),
    by: z.object({ id: z.string(), name: z.string() }),
  }),
  // An SMS in or out (PRODUCT.md C6): where it is on its way, and why it failed.
  // `errorCode` is the provider's (30003…), for a translated reason; `error` is its English text.
  z.object({ type: z.literal("sms"), status: z.enum(SMS_STATUSES), segments: z.number(), error: z.string().nullable(), errorCode: z.string().nullable() }),
]);

export type MessageData = z.infer<typeof ZMessageData>;

/** A file carried by a message; served by `/api/files/{id}` (and `/api/files/{id}/thumb` for images). */
export const ZAttachment = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number(),
  kind: z.enum(["image", "file"]),
  width: z.number().nullable(),
  height: z.number().nullable(),
});

export type AttachmentDto = z.infer<typeof ZAttachment>;

/** Who and what a message mentions, as stored structure (the text keeps the "@…" for reading). */
export const ZMentions = z.object({
  users: z.array(z.object({ id: z.string(), name: z.string() })),
  entities: z.array(z.object({ id: z.string(), type: z.string(), key: z.string(), title: z.string(), status: z.string().nullable() })),
});

export type MentionsDto = z.infer<typeof ZMentions>;

export const ZReaction = z.object({ emoji: z.string(), count: z.number(), users: z.array(z.object({ id: z.string(), name: z.string() })) });

export type ReactionDto = z.infer<typeof ZReaction>;

export const ZMessage = z.object({
  id: z.string(),
  chatId: z.string(),
  seq: z.number(),
  kind: z.enum(["text", "system", "approval", "sms_in", "sms_out"]),
  sender: z.object({ kind: z.enum(["user", "system", "contact"]), id: z.string().nullable(), name: z.string() }),
  clientId: z.string().nullable(),
  body: z.string().nullable(),
  replyTo: z.object({ id: z.string(), seq: z.number(), senderName: z.string(), body: z.string().nullable() }).nullable(),
  data: ZMessageData.nullable(),
  editedAt: z.date().nullable(),
  deletedAt: z.date().nullable(),
  createdAt: z.date(),
  attachments: z.array(ZAttachment),
  mentions: ZMentions,
  reactions: z.array(ZReaction),
});

/**
 * A message as every reader gets it. `body` is null once deleted (a tombstone remains) and
 * `attachments` empty; `reactions` come in the order each emoji was first used.
 */
export type MessageDto = z.infer<typeof ZMessage>;
