import { entityHistory } from "~/server/services/message/history";
import { getRecord, upsertRecord } from "~/server/services/records";
import { createSystemChat, postAsSystem } from "~/server/services/system-chats";
import { assertUnbound } from "~/server/services/tokens";
import type { MessageDto } from "~/contracts/messages";
import { type Route, route } from "./core";
import {
  ZChatPath,
  ZHistory,
  ZHistoryQuery,
  ZPostInput,
  ZPostedMessage,
  ZRecord,
  ZRecordInput,
  ZRecordPath,
  ZSystemChat,
  ZSystemChatInput,
  ZUpsertResult,
} from "./schemas";

const posted = (m: MessageDto) => ({ id: m.id, chatId: m.chatId, seq: m.seq, createdAt: m.createdAt.toISOString() });

export const recordRoutes: Route[] = [
  route({
    method: "PUT",
    path: "/entities/{type}/{key}",
    tag: "Records",
    summary: "Create or update a record",
    description:
      "Upserts the record `type`/`key`. Fields left out keep their value. A status change posts a line in the record's chat and updates open headers live.",
    scope: "entities:write",
    params: ZRecordPath,
    body: ZRecordInput,
    response: ZUpsertResult,
    errors: [413],
    handle: async ({ deps, token, params, body }) => {
      assertUnbound(token);
      const { record, created } = await upsertRecord(deps, { kind: "token", id: token.id, name: token.name }, params.type, params.key, body);
      return { ...record, created };
    },
  }),
  route({
    method: "GET",
    path: "/entities/{type}/{key}",
    tag: "Records",
    summary: "Read a record",
    scope: "read",
    params: ZRecordPath,
    response: ZRecord,
    errors: [404],
    handle: async ({ deps, token, params }) => {
      assertUnbound(token);
      return getRecord(deps.db, params.type, params.key);
    },
  }),
  route({
    method: "GET",
    path: "/entities/{type}/{key}/history",
    tag: "Records",
    summary: "A record's chat as a log",
    description: "Oldest first; page with `after` = the last `seq` you have.",
    scope: "read",
    params: ZRecordPath,
    query: ZHistoryQuery,
    response: ZHistory,
    errors: [404],
    handle: async ({ deps, token, params, query }) => {
      assertUnbound(token);
      const history = await entityHistory(deps.db, { type: params.type, key: params.key, after: query.after, limit: query.limit });
      return {
        chatId: history.chatId,
        hasMore: history.hasMore,
        entries: history.messages.map((m) => ({
          id: m.id,
          seq: m.seq,
          at: m.createdAt.toISOString(),
          kind: m.kind,
          sender: m.sender,
          body: m.body,
          editedAt: m.editedAt?.toISOString() ?? null,
        })),
      };
    },
  }),
];

export const chatRoutes: Route[] = [
  route({
    method: "POST",
    path: "/system-chats",
    tag: "System chats",
    summary: "Open a system chat",
    description:
      "Creates a chat with the participants (user names, user ids, `group:<name>`, `on-duty:<rota>`) and posts the first message as this token. With `takeable`, the message offers \"I'll take it\".",
    scope: "chats:write",
    body: ZSystemChatInput,
    response: ZSystemChat,
    status: 201,
    errors: [404, 409, 413],
    handle: async ({ deps, token, body }) => {
      assertUnbound(token);
      const result = await createSystemChat(deps, { kind: "token", id: token.id, name: token.name }, body);
      return { chatId: result.chatId, participants: result.participants, message: posted(result.message) };
    },
  }),
  route({
    method: "POST",
    path: "/chats/{id}/messages",
    tag: "System chats",
    summary: "Post a message as this token",
    description:
      "Into a system chat or a record's chat (or, for a token bound to a chat, into that chat only). A retry with the same `clientId` returns the original message.",
    scope: "chats:write",
    params: ZChatPath,
    body: ZPostInput,
    response: ZPostedMessage,
    status: 201,
    errors: [404, 413],
    handle: async ({ deps, token, params, body }) => {
      const message = await postAsSystem(deps, { kind: "token", id: token.id, name: token.name, chatId: token.chatId }, params.id, body);
      return posted(message);
    },
  }),
];
