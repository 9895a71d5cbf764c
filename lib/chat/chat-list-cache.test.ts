import { QueryClient } from "@tanstack/react-query";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MessageDto } from "~/contracts/messages";
import { messageDto } from "~/tests/factories/messages";
import type { ChatSummary } from "~/lib/trpc/types";
import { listMessage, listOwnRead, listReopened, listWithout } from "./chat-list-cache";
import { isOpenChat } from "./open-chats";

const KEY = ["chat", "list"];
const ME = "me";

const chat = (id: string, overrides: Partial<ChatSummary> = {}): ChatSummary =>
  ({
    id,
    kind: "room",
    isMember: true,
    lastSeq: 0,
    lastReadSeq: 0,
    unread: 0,
    mentions: 0,
    lastMessageAt: null,
    lastMessage: null,
    ...overrides,
  }) as ChatSummary;

const message = (chatId: string, seq: number, senderId: string, at: number, mentions: string[] = []): MessageDto =>
  messageDto(seq, {
    id: `${chatId}-${seq}`,
    chatId,
    sender: { kind: "user", id: senderId, name: senderId },
    mentions: { users: mentions.map((id) => ({ id, name: id })), entities: [] },
    createdAt: new Date(at),
  });

function listOf(chats: ChatSummary[]) {
  const queryClient = new QueryClient();
  queryClient.setQueryData(KEY, chats);
  return queryClient;
}

const list = (queryClient: QueryClient) => queryClient.getQueryData<ChatSummary[]>(KEY)!;

describe("the chat list cache (lib/chat/chat-list-cache.ts)", () => {
  it("keeps the company chat first and the rest newest first, with unread counts never below zero, whatever arrives", () => {
    const ids = ["company", "a", "b", "c"];
    const arrival = fc.record({ chat: fc.constantFrom(...ids), seq: fc.integer({ min: 1, max: 30 }), mine: fc.boolean(), at: fc.integer({ min: 1, max: 1_000_000 }) });
    fc.assert(
      fc.property(fc.array(arrival, { maxLength: 30 }), fc.array(fc.record({ chat: fc.constantFrom(...ids), seq: fc.integer({ min: 0, max: 30 }) }), { maxLength: 10 }), (messages, reads) => {
        const queryClient = listOf(ids.map((id) => chat(id, { kind: id === "company" ? "company" : "room" })));
        for (const m of messages) listMessage(queryClient, KEY, message(m.chat, m.seq, m.mine ? ME : "other", m.at), "created", ME);
        for (const r of reads) listOwnRead(queryClient, KEY, r.chat, r.seq);
        const chats = list(queryClient);
        expect(chats[0]!.id).toBe("company");
        const times = chats.slice(1).map((c) => c.lastMessageAt?.getTime() ?? 0);
        expect(times).toEqual([...times].sort((a, b) => b - a));
        for (const c of chats) expect(c.unread).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("leaves the list as one delivery left it when a message event is delivered twice (a reconnect replays events)", () => {
    const ids = ["company", "a", "b"];
    const arrival = fc.record({
      chat: fc.constantFrom(...ids),
      seq: fc.integer({ min: 1, max: 30 }),
      mine: fc.boolean(),
      mentionsMe: fc.boolean(),
      at: fc.integer({ min: 1, max: 1_000_000 }),
      change: fc.constantFrom("created" as const, "updated" as const),
    });
    fc.assert(
      fc.property(fc.array(arrival, { maxLength: 30 }), (arrivals) => {
        const queryClient = listOf(ids.map((id) => chat(id, { kind: id === "company" ? "company" : "room" })));
        for (const m of arrivals) {
          const event = message(m.chat, m.seq, m.mine ? ME : "other", m.at, m.mentionsMe ? [ME] : []);
          listMessage(queryClient, KEY, event, m.change, ME);
          const once = structuredClone(list(queryClient));
          listMessage(queryClient, KEY, event, m.change, ME);
          expect(list(queryClient)).toEqual(once);
        }
      }),
    );
  });

  it("counts another person's message as unread and a mention of me, but not my own", () => {
    const queryClient = listOf([chat("a")]);
    listMessage(queryClient, KEY, message("a", 1, "other", 1, [ME]), "created", ME);
    expect(list(queryClient)[0]).toMatchObject({ unread: 1, mentions: 1, lastSeq: 1, lastMessage: { seq: 1 } });
    listMessage(queryClient, KEY, message("a", 2, ME, 2), "created", ME);
    expect(list(queryClient)[0]).toMatchObject({ unread: 0, mentions: 0, lastReadSeq: 2 });
  });

  it("says when the chat is not in the list, so the list is read again", () => {
    const queryClient = listOf([chat("a")]);
    expect(listMessage(queryClient, KEY, message("new", 1, "other", 1), "created", ME)).toBe(false);
    expect(listMessage(new QueryClient(), KEY, message("a", 1, "other", 1), "created", ME)).toBe(false);
    expect(listMessage(queryClient, KEY, message("a", 1, "other", 1), "created", ME)).toBe(true);
  });

  it("changes the preview only when the edited message is the last one", () => {
    const queryClient = listOf([chat("a", { lastSeq: 2, lastMessage: { seq: 2, senderName: "o", body: "m2" } })]);
    listMessage(queryClient, KEY, { ...message("a", 1, "other", 1), body: "edited" }, "updated", ME);
    expect(list(queryClient)[0]!.lastMessage).toMatchObject({ seq: 2, body: "m2" });
    listMessage(queryClient, KEY, { ...message("a", 2, "other", 1), body: "edited" }, "updated", ME);
    expect(list(queryClient)[0]!.lastMessage).toMatchObject({ seq: 2, body: "edited" });
  });

  it("clears unread up to a read on another device, and leaves mentions of a partial read for the server to count", () => {
    const queryClient = listOf([chat("a", { lastSeq: 5, unread: 5, mentions: 2 })]);
    expect(listOwnRead(queryClient, KEY, "a", 3)).toBe(2);
    expect(list(queryClient)[0]).toMatchObject({ unread: 2, lastReadSeq: 3 });
    expect(listOwnRead(queryClient, KEY, "a", 5)).toBe(0);
    expect(listOwnRead(queryClient, KEY, "a", 4)).toBe(0);
    expect(list(queryClient)[0]).toMatchObject({ unread: 0, lastReadSeq: 5 });
  });

  it("drops a deleted chat", () => {
    const queryClient = listOf([chat("a"), chat("b")]);
    listWithout(queryClient, KEY, "a");
    expect(list(queryClient).map((c) => c.id)).toEqual(["b"]);
  });

  it("reopens a closed chat live when someone writes in it, and at once when the person restarts it", () => {
    const closedAt = new Date(1_000);
    const queryClient = listOf([chat("a", { kind: "direct", closedAt, lastMessageAt: new Date(500) }), chat("b", { kind: "direct", closedAt, lastMessageAt: null })]);
    expect(list(queryClient).map(isOpenChat)).toEqual([false, false]);
    listMessage(queryClient, KEY, message("a", 1, "other", 2_000), "created", ME);
    expect(isOpenChat(list(queryClient).find((c) => c.id === "a")!)).toBe(true);
    listReopened(queryClient, KEY, "b");
    expect(list(queryClient).find((c) => c.id === "b")!.closedAt).toBeNull();
    expect(list(queryClient).every(isOpenChat)).toBe(true);
  });
});
