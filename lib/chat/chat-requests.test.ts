import { describe, expect, it } from "vitest";
import type { StreamEvent } from "~/contracts/stream";
import { messageDto } from "~/tests/factories/messages";
import { addChatRequest, chatRequests, dismissChatRequest, firstMessageFromOther } from "./chat-requests";

const created = (seq: number, sender: { kind: "user" | "system" | "contact"; id: string | null; name: string }): StreamEvent => ({
  type: "message.created",
  chatId: "c1",
  message: messageDto(seq, { chatId: "c1", sender }),
});

describe("someone wants to chat (lib/chat/chat-requests.ts)", () => {
  it("starts from the first message of a chat written by someone else", () => {
    expect(firstMessageFromOther(created(1, { kind: "user", id: "ann", name: "Ann" }), "me")).toEqual({ chatId: "c1", name: "Ann" });
  });

  it("ignores later messages, my own first message, scripts and phones", () => {
    expect(firstMessageFromOther(created(2, { kind: "user", id: "ann", name: "Ann" }), "me")).toBeNull();
    expect(firstMessageFromOther(created(1, { kind: "user", id: "me", name: "Me" }), "me")).toBeNull();
    expect(firstMessageFromOther(created(1, { kind: "system", id: null, name: "Script" }), "me")).toBeNull();
    expect(firstMessageFromOther(created(1, { kind: "contact", id: null, name: "+48 600" }), "me")).toBeNull();
    expect(firstMessageFromOther({ type: "read", chatId: "c1", userId: "ann", seq: 1 }, "me")).toBeNull();
  });

  it("queues people oldest first, each once per tab, and a dismissed one is not raised again by a replay", () => {
    addChatRequest({ chatId: "q1", name: "Ann" });
    addChatRequest({ chatId: "q2", name: "Bob" });
    addChatRequest({ chatId: "q1", name: "Ann" });
    expect(chatRequests().map((r) => r.name)).toEqual(["Ann", "Bob"]);
    dismissChatRequest("q1");
    addChatRequest({ chatId: "q1", name: "Ann" });
    expect(chatRequests()).toEqual([{ chatId: "q2", name: "Bob" }]);
    dismissChatRequest("q2");
    expect(chatRequests()).toEqual([]);
  });
});
