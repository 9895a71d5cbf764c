import { z } from "zod";
import { createRoom, deleteRoom, getRoomAccess, updateRoom } from "~/server/services/chat/rooms";
import { getChat, listChats } from "~/server/services/chat/list";
import { inviteToChat, joinChat, leaveChat, listMembers, setMuted } from "~/server/services/chat/members";
import { openDirect, openForEntity } from "~/server/services/chat/open";
import { closeChat, closedChats, reopenChat } from "~/server/services/chat/close";
import { typing } from "~/server/services/message/typing";
import {
  ZChatSummary,
  ZClosedChat,
  ZCreateRoomInput,
  ZInviteInput,
  ZMember,
  ZOpenDirectInput,
  ZOpenForEntityInput,
  ZRoomAccess,
  ZSetMutedInput,
  ZUpdateRoomInput,
} from "../schemas/chat";
import { ZChatRef, ZOk } from "../schemas/common";
import { authedProcedure, router } from "../trpc";

const ok = { ok: true } as const;

export const chatRouter = router({
  list: authedProcedure.output(z.array(ZChatSummary)).query(({ ctx }) => listChats(ctx.db, ctx.actor)),
  close: authedProcedure
    .input(ZChatRef)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => (await closeChat(ctx, ctx.actor, input.chatId), ok)),
  reopen: authedProcedure
    .input(ZChatRef)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => (await reopenChat(ctx, ctx.actor, input.chatId), ok)),
  closed: authedProcedure.output(z.array(ZClosedChat)).query(({ ctx }) => closedChats(ctx.db, ctx.actor)),
  get: authedProcedure.input(ZChatRef).output(ZChatSummary).query(({ ctx, input }) => getChat(ctx.db, ctx.actor, input.chatId)),
  members: authedProcedure
    .input(ZChatRef)
    .output(z.array(ZMember))
    .query(({ ctx, input }) => listMembers(ctx.db, ctx.actor, input.chatId)),
  createRoom: authedProcedure.input(ZCreateRoomInput).output(ZChatSummary).mutation(({ ctx, input }) => createRoom(ctx, ctx.actor, input)),
  updateRoom: authedProcedure.input(ZUpdateRoomInput).output(ZChatSummary).mutation(({ ctx, input }) => updateRoom(ctx, ctx.actor, input)),
  roomAccess: authedProcedure
    .input(ZChatRef)
    .output(ZRoomAccess)
    .query(({ ctx, input }) => getRoomAccess(ctx.db, ctx.actor, input.chatId)),
  deleteRoom: authedProcedure
    .input(ZChatRef)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => (await deleteRoom(ctx, ctx.actor, input.chatId), ok)),
  openDirect: authedProcedure
    .input(ZOpenDirectInput)
    .output(ZChatSummary)
    .mutation(({ ctx, input }) => openDirect(ctx, ctx.actor, input.userIds)),
  openForEntity: authedProcedure
    .input(ZOpenForEntityInput)
    .output(ZChatSummary)
    .mutation(({ ctx, input }) => openForEntity(ctx, ctx.actor, input)),
  invite: authedProcedure
    .input(ZInviteInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => (await inviteToChat(ctx, ctx.actor, input), ok)),
  join: authedProcedure.input(ZChatRef).output(ZChatSummary).mutation(({ ctx, input }) => joinChat(ctx, ctx.actor, input.chatId)),
  leave: authedProcedure
    .input(ZChatRef)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => (await leaveChat(ctx, ctx.actor, input.chatId), ok)),
  setMuted: authedProcedure
    .input(ZSetMutedInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => (await setMuted(ctx.db, ctx.actor, input), ok)),
  typing: authedProcedure
    .input(ZChatRef)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => (await typing(ctx, ctx.actor, input), ok)),
});
