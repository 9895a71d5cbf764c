import { ZMessage } from "~/contracts/messages";
import { z } from "zod";
import { deleteMessage, editMessage } from "~/server/services/message/change";
import { listMessages } from "~/server/services/message/history";
import { markRead, readBy, unreadCounts } from "~/server/services/message/receipts";
import { sendMessage } from "~/server/services/message/send";
import { ZMessageRef } from "../schemas/common";
import {
  ZEditMessageInput,
  ZListMessagesInput,
  ZMarkReadInput,
  ZMessagePage,
  ZReader,
  ZRecordActionInput,
  ZSendMessageInput,
  ZUnread,
} from "../schemas/message";
import { sendToRecord } from "~/server/services/message/record-actions";
import { takeRequest } from "~/server/services/system-chats";
import { react } from "~/server/services/message/reactions";
import { ZReactInput } from "../schemas/reaction";
import { authedProcedure, router } from "../trpc";

export const messageRouter = router({
  send: authedProcedure.input(ZSendMessageInput).output(ZMessage).mutation(({ ctx, input }) => sendMessage(ctx, ctx.actor, input)),
  edit: authedProcedure.input(ZEditMessageInput).output(ZMessage).mutation(({ ctx, input }) => editMessage(ctx, ctx.actor, input)),
  delete: authedProcedure.input(ZMessageRef).output(ZMessage).mutation(({ ctx, input }) => deleteMessage(ctx, ctx.actor, input)),
  list: authedProcedure.input(ZListMessagesInput).output(ZMessagePage).query(({ ctx, input }) => listMessages(ctx.db, ctx.actor, input)),
  readBy: authedProcedure.input(ZMessageRef).output(z.array(ZReader)).query(({ ctx, input }) => readBy(ctx.db, ctx.actor, input)),
  markRead: authedProcedure
    .input(ZMarkReadInput)
    .output(z.object({ lastReadSeq: z.number() }))
    .mutation(({ ctx, input }) => markRead(ctx, ctx.actor, input)),
  /** "I'll take it" on a script's request: the first taker gets it; later ones get CONFLICT. */
  take: authedProcedure.input(ZMessageRef).output(ZMessage).mutation(({ ctx, input }) => takeRequest(ctx, ctx.actor, input.messageId)),
  /** "Add note/task to record": the host system gets it through the `message.action` webhook. */
  toRecord: authedProcedure
    .input(ZRecordActionInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(({ ctx, input }) => sendToRecord(ctx, ctx.actor, input)),
  /** Adds or removes the actor's reaction; every reader gets the message again (message.updated). */
  react: authedProcedure.input(ZReactInput).output(ZMessage).mutation(({ ctx, input }) => react(ctx, ctx.actor, input)),
  unread: authedProcedure.output(ZUnread).query(({ ctx }) => unreadCounts(ctx.db, ctx.actor)),
});

