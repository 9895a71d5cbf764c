import { z } from "zod";
import { MAX_DIRECT_MEMBERS } from "~/server/services/chat/open";
import { ZChatRef, ZEntityKey, ZEntityType, ZId, ZUserId } from "./common";
import { ZRole } from "./user";

export const ZChatSummary = z.object({
  id: z.string(),
  kind: z.enum(["company", "room", "direct", "entity", "system", "sms"]),
  title: z.string().nullable(),
  visibility: z.enum(["public", "private"]),
  createdBy: z.string().nullable(),
  entity: z
    .object({
      type: z.string(),
      key: z.string(),
      status: z.string().nullable(),
      url: z.string().nullable(),
      /** Approval requests on the record still waiting (its status chip shows them). */
      pendingApprovals: z.number(),
    })
    .nullable(),
  lastSeq: z.number(),
  lastMessageAt: z.date().nullable(),
  lastMessage: z.object({ seq: z.number(), senderName: z.string(), body: z.string().nullable() }).nullable(),
  isMember: z.boolean(),
  muted: z.boolean(),
  lastReadSeq: z.number(),
  createdAt: z.date(),
  /** When this person closed it; it is open again once a message newer than this arrives. */
  closedAt: z.date().nullable(),
  unread: z.number(),
  /** Unread messages mentioning the actor. */
  mentions: z.number(),
});

export const ZRoomAccess = z.object({
  userIds: z.array(ZUserId).max(500),
  groupIds: z.array(ZId).max(100),
});

const ZRoomTitle = z.string().trim().min(1, { error: "Give the room a name" }).max(80, { error: "At most 80 characters" });

export const ZCreateRoomInput = z.object({
  title: ZRoomTitle,
  visibility: z.enum(["public", "private"]),
  access: ZRoomAccess.optional(),
});

export const ZUpdateRoomInput = ZChatRef.extend({
  title: ZRoomTitle.optional(),
  visibility: z.enum(["public", "private"]).optional(),
  access: ZRoomAccess.optional(),
});

export const ZOpenDirectInput = z.object({
  userIds: z
    .array(ZUserId)
    .min(1, { error: "Choose someone to write to" })
    // The caller's own id may be among them; the service counts the people.
    .max(MAX_DIRECT_MEMBERS, { error: `At most ${MAX_DIRECT_MEMBERS} people` }),
});

export const ZOpenForEntityInput = z.object({ type: ZEntityType, key: ZEntityKey });
export const ZInviteInput = ZChatRef.extend({ userId: ZUserId });
export const ZSetMutedInput = ZChatRef.extend({ muted: z.boolean() });

export const ZMember = z.object({
  id: z.string(),
  name: z.string(),
  username: z.string(),
  role: ZRole,
  lastReadSeq: z.number(),
});

export const ZClosedChat = z.object({
  id: z.string(),
  kind: z.enum(["company", "room", "direct", "entity", "system", "sms"]),
  title: z.string().nullable(),
  startedAt: z.date(),
  closedAt: z.date(),
  lastMessageAt: z.date().nullable(),
});
