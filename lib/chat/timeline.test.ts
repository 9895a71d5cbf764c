import { describe, expect, it } from "vitest";
import type { MessageDto } from "~/contracts/messages";
import { messageDto } from "~/tests/factories/messages";
import { contiguousUpTo, mergeMessages, reviveMessage, savedIsNewer } from "./timeline";

const message = (seq: number, body = `m${seq}`): MessageDto => messageDto(seq, { body });

describe("timeline", () => {
  it("merges by id, keeps seq order and lets a newer version win", () => {
    const merged = mergeMessages([message(1), message(3)], [message(2), message(3, "edited")]);
    expect(merged.map((m) => [m.seq, m.body])).toEqual([
      [1, "m1"],
      [2, "m2"],
      [3, "edited"],
    ]);
  });

  it("finds where a gap starts", () => {
    expect(contiguousUpTo([message(4), message(5), message(7)])).toBe(5);
    expect(contiguousUpTo([])).toBe(0);
  });

  it("revives the date fields of a streamed message", () => {
    const streamed = JSON.parse(JSON.stringify(message(1))) as MessageDto;
    expect(reviveMessage(streamed).createdAt).toBeInstanceOf(Date);
  });

  it("a saved copy is newer than a server-rendered page when it holds a later message or a later edit or deletion", () => {
    const page = [message(1), message(2)];
    expect(savedIsNewer(page, [message(1), message(2)])).toBe(false);
    expect(savedIsNewer(page, [message(1)])).toBe(false);
    expect(savedIsNewer(page, [message(2), message(3)])).toBe(true);
    expect(savedIsNewer(page, [{ ...message(2, "edited"), editedAt: new Date("2026-12-05T10:00:00Z") }])).toBe(true);
    expect(savedIsNewer(page, [{ ...message(1), deletedAt: new Date("2026-12-05T10:00:00Z") }])).toBe(true);
    expect(savedIsNewer([], [])).toBe(false);
    expect(savedIsNewer([], [message(1)])).toBe(true);
  });
});
