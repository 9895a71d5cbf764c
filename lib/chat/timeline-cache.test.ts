import { QueryClient } from "@tanstack/react-query";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MessageDto } from "~/contracts/messages";
import { messageDto } from "~/tests/factories/messages";
import { type Timeline, takeHeld, timelineKey } from "./timeline";
import { dropTimeline, putHistory, putMessages, putOlderPage, receiveLive } from "./timeline-cache";

const CHAT = "c";

const message = (seq: number, body = `m${seq}`): MessageDto => messageDto(seq, { chatId: CHAT, body });

function loaded(messages: MessageDto[], hasOlder = false) {
  const queryClient = new QueryClient();
  queryClient.setQueryData<Timeline>(timelineKey(CHAT), { messages, hasOlder });
  return queryClient;
}

const timelineOf = (queryClient: QueryClient) => queryClient.getQueryData<Timeline>(timelineKey(CHAT));

/** Some versions of messages 1…20 (an edit is the same id with another body), in any order. */
const arrivals = fc.array(
  fc.record({ seq: fc.integer({ min: 1, max: 20 }), edit: fc.integer({ min: 0, max: 2 }) }).map(({ seq, edit }) => message(seq, `m${seq}v${edit}`)),
  { maxLength: 40 },
);

describe("the timeline cache (lib/chat/timeline-cache.ts)", () => {
  it("keeps a loaded timeline in seq order without duplicate ids, whatever order and however often messages arrive", () => {
    fc.assert(
      fc.property(arrivals, arrivals, (first, second) => {
        const queryClient = loaded([]);
        for (const m of first) receiveLive(queryClient, m);
        putMessages(queryClient, CHAT, second);
        const seqs = timelineOf(queryClient)!.messages.map((m) => m.seq);
        expect(seqs).toEqual([...new Set([...first, ...second].map((m) => m.seq))].sort((a, b) => a - b));
      }),
    );
  });

  it("leaves the timeline as it was when the same messages are put again", () => {
    fc.assert(
      fc.property(arrivals, (messages) => {
        const queryClient = loaded([]);
        putMessages(queryClient, CHAT, messages);
        const once = timelineOf(queryClient);
        putMessages(queryClient, CHAT, messages);
        expect(timelineOf(queryClient)).toEqual(once);
      }),
    );
  });

  it("leaves the timeline as one delivery left it when a live message is delivered twice", () => {
    fc.assert(
      fc.property(arrivals, arrivals, (before, again) => {
        const queryClient = loaded([]);
        for (const m of before) receiveLive(queryClient, m);
        for (const m of again) {
          receiveLive(queryClient, m);
          const once = timelineOf(queryClient);
          receiveLive(queryClient, m);
          expect(timelineOf(queryClient)).toEqual(once);
        }
      }),
    );
  });

  it("ends with the same timeline whatever order the same messages arrive in", () => {
    const inTwoOrders = fc
      .uniqueArray(fc.integer({ min: 1, max: 30 }), { maxLength: 20 })
      .chain((seqs) => fc.tuple(fc.constant(seqs), fc.shuffledSubarray(seqs, { minLength: seqs.length, maxLength: seqs.length })));
    fc.assert(
      fc.property(inTwoOrders, ([first, second]) => {
        const one = loaded([]);
        const other = loaded([]);
        for (const seq of first) receiveLive(one, message(seq));
        for (const seq of second) receiveLive(other, message(seq));
        expect(timelineOf(other)).toEqual(timelineOf(one));
      }),
    );
  });

  it("keeps seq order without duplicate ids when live messages, older pages, history and echoes interleave", () => {
    const write = fc.record({ kind: fc.constantFrom("live", "older", "history", "echo"), messages: arrivals });
    fc.assert(
      fc.property(fc.array(write, { maxLength: 10 }), (writes) => {
        const queryClient = loaded([message(20)], true);
        for (const { kind, messages } of writes) {
          if (kind === "live") for (const m of messages) receiveLive(queryClient, m);
          if (kind === "older") putOlderPage(queryClient, CHAT, { messages, hasMore: true });
          if (kind === "history") putHistory(queryClient, CHAT, messages);
          if (kind === "echo") putMessages(queryClient, CHAT, messages);
        }
        const { messages } = timelineOf(queryClient)!;
        const seqs = messages.map((m) => m.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        expect(new Set(messages.map((m) => m.id)).size).toBe(messages.length);
      }),
    );
  });

  it("lets the latest version of a message win", () => {
    const queryClient = loaded([message(1), message(2)]);
    putMessages(queryClient, CHAT, [message(2, "edited")]);
    expect(timelineOf(queryClient)!.messages.map((m) => m.body)).toEqual(["m1", "edited"]);
  });

  it("never creates a timeline for a chat nobody has loaded (its first load reads the server)", () => {
    const queryClient = new QueryClient();
    putMessages(queryClient, CHAT, [message(1)]);
    expect(receiveLive(queryClient, message(2))).toBeNull();
    putOlderPage(queryClient, CHAT, { messages: [message(1)], hasMore: false });
    putHistory(queryClient, CHAT, [message(1)]);
    expect(timelineOf(queryClient)).toBeUndefined();
  });

  it("reports where a gap starts below a live message, so a lost event is fetched", () => {
    const queryClient = loaded([message(1), message(2)]);
    expect(receiveLive(queryClient, message(3))).toBe(3);
    expect(receiveLive(queryClient, message(5))).toBe(3);
  });

  it("holds a live message that arrives while the chat's first page is loading, for that load", async () => {
    const queryClient = new QueryClient();
    let finish: (timeline: Timeline) => void = () => {};
    const loading = queryClient.fetchQuery({ queryKey: timelineKey(CHAT), queryFn: () => new Promise<Timeline>((resolve) => (finish = resolve)) });
    receiveLive(queryClient, message(7));
    expect(takeHeld(CHAT).map((m) => m.seq)).toEqual([7]);
    finish({ messages: [], hasOlder: false });
    await loading;
  });

  it("takes whether there is more history from the server's page, and from seq 1 after a jump", () => {
    const queryClient = loaded([message(50)], true);
    putOlderPage(queryClient, CHAT, { messages: [message(48), message(49)], hasMore: true });
    expect(timelineOf(queryClient)).toMatchObject({ hasOlder: true });
    putHistory(queryClient, CHAT, [message(2)]);
    expect(timelineOf(queryClient)).toMatchObject({ hasOlder: true });
    putHistory(queryClient, CHAT, [message(1)]);
    expect(timelineOf(queryClient)).toMatchObject({ hasOlder: false });
  });

  it("forgets a deleted chat's timeline, so nothing shows it from the cache again", () => {
    const queryClient = loaded([message(1)]);
    dropTimeline(queryClient, CHAT);
    expect(timelineOf(queryClient)).toBeUndefined();
    expect(queryClient.getQueryState(timelineKey(CHAT))).toBeUndefined();
  });
});
