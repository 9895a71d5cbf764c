import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shareEqual } from "./share";

const value = fc.letrec((tie) => ({
  leaf: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom("a", "b", null, true), fc.integer({ min: 0, max: 2 }).map((n) => new Date(n * 1000))),
  node: fc.oneof({ depthSize: "small" }, tie("leaf"), fc.array(tie("node"), { maxLength: 3 }), fc.dictionary(fc.constantFrom("x", "y", "z"), tie("node"), { maxKeys: 3 })),
})).node;

const clone = (data: unknown): unknown =>
  data instanceof Date ? new Date(data.getTime()) : Array.isArray(data) ? data.map(clone) : data !== null && typeof data === "object" ? Object.fromEntries(Object.entries(data).map(([k, v]) => [k, clone(v)])) : data;

describe("structural sharing with dates", () => {
  it("gives back the previous data itself when the new data is equal to it, dates included", () => {
    const previous = { chat: { id: "c", lastMessageAt: new Date("2026-12-05T10:00:00Z") }, messages: [{ seq: 1, createdAt: new Date(0) }] };
    expect(shareEqual(previous, clone(previous))).toBe(previous);
  });

  it("keeps the unchanged parts and takes the changed ones", () => {
    const previous = { messages: [{ seq: 1, at: new Date(0) }, { seq: 2, at: new Date(1) }] };
    const next = { messages: [{ seq: 1, at: new Date(0) }, { seq: 2, at: new Date(2) }] };
    const shared = shareEqual(previous, next) as typeof previous;
    expect(shared).not.toBe(previous);
    expect(shared.messages[0]).toBe(previous.messages[0]);
    expect(shared.messages[1]).not.toBe(previous.messages[1]);
    expect(shared.messages[1]!.at).toBe(next.messages[1]!.at);
  });

  it("always equals the new data, and is the previous object exactly when the two are equal", () => {
    fc.assert(
      fc.property(value, value, (previous, next) => {
        const shared = shareEqual(previous, next);
        expect(shared).toEqual(next);
        expect(shareEqual(previous, clone(previous))).toBe(previous);
      }),
    );
  });
});
