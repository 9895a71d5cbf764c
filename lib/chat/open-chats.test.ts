import { describe, expect, it } from "vitest";
import { isOpenChat, unreadSmsContacts } from "./open-chats";

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 8, minute));

describe("open chats (lib/chat/open-chats.ts)", () => {
  it("counts a chat never closed as open, with or without messages", () => {
    expect(isOpenChat({ closedAt: null, lastMessageAt: null })).toBe(true);
    expect(isOpenChat({ closedAt: null, lastMessageAt: at(5) })).toBe(true);
  });

  it("keeps a closed chat closed until a message newer than the closing arrives", () => {
    expect(isOpenChat({ closedAt: at(10), lastMessageAt: null })).toBe(false);
    expect(isOpenChat({ closedAt: at(10), lastMessageAt: at(5) })).toBe(false);
    expect(isOpenChat({ closedAt: at(10), lastMessageAt: at(10) })).toBe(false);
    expect(isOpenChat({ closedAt: at(10), lastMessageAt: at(11) })).toBe(true);
  });

  it("counts the SMS windows with unread texts, not their texts nor other chats", () => {
    expect(
      unreadSmsContacts([
        { kind: "sms", unread: 3 },
        { kind: "sms", unread: 0 },
        { kind: "sms", unread: 1 },
        { kind: "direct", unread: 4 },
      ]),
    ).toBe(2);
  });
});
