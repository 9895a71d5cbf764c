import { describe, expect, it } from "vitest";
import { MAX_KEPT, parseKept, withKept } from "./windows";

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

describe("the chats kept open on a wide screen (lib/chat/windows.ts)", () => {
  it("reads back the chat ids it stored, without repeats and no more than fit", () => {
    expect(parseKept(JSON.stringify([id(1), id(2), id(1)]))).toEqual([id(1), id(2)]);
    expect(parseKept(JSON.stringify([id(1), id(2), id(3), id(4), id(5)]))).toHaveLength(MAX_KEPT);
  });

  it("takes anything else in storage for nothing kept", () => {
    expect(parseKept(null)).toEqual([]);
    expect(parseKept("not json")).toEqual([]);
    expect(parseKept(JSON.stringify({ chats: [id(1)] }))).toEqual([]);
    expect(parseKept(JSON.stringify(["../admin", 42, id(1)]))).toEqual([id(1)]);
  });

  it("keeps a chat once, at the end, and refuses one more than fit", () => {
    const two = withKept(withKept([], id(1)), id(2));
    expect(two).toEqual([id(1), id(2)]);
    expect(withKept(two, id(1))).toBe(two);
    const full = Array.from({ length: MAX_KEPT }, (_, n) => id(n + 1));
    expect(withKept(full, id(99))).toBe(full);
  });
});
