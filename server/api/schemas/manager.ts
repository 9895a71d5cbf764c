import { z } from "zod";
import { ZChatSummary } from "./chat";
import { ZId } from "./common";
import { ZMessage } from "~/contracts/messages";
import { QUICK_REPLY_MAX_LENGTH } from "~/contracts/limits";

export const ZQuickReply = z.object({ id: z.string(), body: z.string(), shared: z.boolean() });

const ZQuickReplyBody = z
  .string()
  .trim()
  .min(1, { error: "Write the reply" })
  .max(QUICK_REPLY_MAX_LENGTH, { error: `At most ${QUICK_REPLY_MAX_LENGTH} characters` });

export const ZCreateQuickReplyInput = z.object({ body: ZQuickReplyBody, shared: z.boolean().default(false) });
export const ZUpdateQuickReplyInput = z.object({ id: ZId, body: ZQuickReplyBody });
export const ZQuickReplyRef = z.object({ id: ZId });

export const ZQueueItem = z.object({ chat: ZChatSummary, waitingSince: z.date(), lastMessages: z.array(ZMessage) });
export const ZQueueInput = z.object({ limit: z.number().int().min(1).max(100).optional() }).default({});
