import { z } from "zod";
import { isTimeZone } from "~/lib/time/ranges";
import { MESSAGE_MAX_LENGTH } from "~/contracts/limits";
import { ZMessage } from "~/contracts/messages";
import { MAX_PAGE } from "~/server/services/message/history";
import { ZChatRef, ZEntityKey, ZEntityType, ZId } from "./common";

export const ZBody = z
  .string()
  .trim()
  .min(1, { error: "Write something first" })
  .max(MESSAGE_MAX_LENGTH, { error: `At most ${MESSAGE_MAX_LENGTH.toLocaleString("en")} characters` });

export const ZRecordActionInput = z.object({ messageId: ZId, action: z.enum(["note", "task"]) });

export const MAX_ATTACHMENTS = 10;
export const MAX_MENTIONS = 50;


export const ZSendMessageInput = z.object({
  chatId: ZId,
  clientId: z.string().min(8, { error: "At least 8 characters" }).max(64).regex(/^[\w-]+$/, { error: "Letters, digits, - and _" }),
  // Empty only with attachments (a photo needs no caption); sendMessage checks that.
  body: z.string().trim().max(MESSAGE_MAX_LENGTH, { error: `At most ${MESSAGE_MAX_LENGTH.toLocaleString("en")} characters` }),
  replyToId: ZId.nullish(),
  /** Files uploaded to this chat by the sender (`POST /api/files`) and not yet sent. */
  attachmentIds: z.array(ZId).max(MAX_ATTACHMENTS, { error: `At most ${MAX_ATTACHMENTS} files per message` }).optional(),
  mentions: z
    .object({
      userIds: z.array(ZId).max(MAX_MENTIONS).optional(),
      entityIds: z.array(ZId).max(MAX_MENTIONS).optional(),
    })
    .optional(),
  /**
   * Who wrote it, as the client believed: an outbox item written on a shared tablet must not
   * go out under the next person's session.
   */
  senderId: ZId.optional(),
});
export type TSendMessageInput = z.infer<typeof ZSendMessageInput>;

export const ZEditMessageInput = z.object({ messageId: ZId, body: ZBody });

export const ZListMessagesInput = ZChatRef.extend({
  before: z.number().int().min(1).optional(),
  after: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(MAX_PAGE).optional(),
  filter: z.enum(["yesterday", "7d", "30d", "all"]).optional(),
  timeZone: z.string().refine(isTimeZone, { error: "Unknown time zone" }).optional(),
});

export const ZMessagePage = z.object({ messages: z.array(ZMessage), hasMore: z.boolean() });

export const ZMarkReadInput = ZChatRef.extend({ seq: z.number().int().min(0) });

export const ZUnread = z.object({ total: z.number(), chats: z.array(z.object({ chatId: z.string(), unread: z.number() })) });

export const ZReader = z.object({ id: z.string(), name: z.string() });

export const ZEntityHistoryInput = z.object({
  type: ZEntityType,
  key: ZEntityKey,
  after: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(MAX_PAGE).optional(),
});

export const ZEntityHistory = ZMessagePage.extend({ chatId: z.string().nullable() });
