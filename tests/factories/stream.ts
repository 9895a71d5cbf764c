import http, { type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Auth } from "~/server/auth";
import type { Hub } from "~/server/realtime/hub";
import type { Deps } from "~/server/services/deps";
import { createStreamHandler } from "~/server/realtime/stream";
import { expect } from "vitest";
import type { MessageDto } from "~/contracts/messages";
import type { StreamEvent } from "~/contracts/stream";

export type ReceivedEvent = { id: number | null; event: StreamEvent };

/** Serves `/api/stream` of one hub on a loopback port, as server/main.ts does. */
export async function serveStream(auth: Auth, hub: Hub, deps: Pick<Deps, "db" | "sessions">, recheckMs?: number) {
  const handle = createStreamHandler({ auth, db: deps.db, sessions: deps.sessions, hub, recheckMs });
  const server = http.createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/stream`;
  return {
    url,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A stream client reading frames with a streaming fetch (Node has no EventSource).
 * `next(type, match)` resolves with the first event, received or to come, that matches and was not
 * taken before; so a test waits for a state instead of sleeping.
 */
export async function openStream(url: string, cookie: string | null, lastEventId?: number) {
  const controller = new AbortController();
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = cookie;
  if (lastEventId !== undefined) headers["last-event-id"] = String(lastEventId);
  const response = await fetch(url, { headers, signal: controller.signal });
  const received: ReceivedEvent[] = [];
  // Each event is handed out once; waiting for one type never skips events of another.
  const taken = new Set<number>();
  const waiters: (() => void)[] = [];
  let ended = false;
  void (async () => {
    if (!response.body) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (!data) continue;
          const id = /^id: (\d+)$/m.exec(frame)?.[1];
          received.push({ id: id ? Number(id) : null, event: JSON.parse(data) as StreamEvent });
          for (const wake of waiters.splice(0)) wake();
        }
      }
    } catch {
      // aborted
    } finally {
      ended = true;
      for (const wake of waiters.splice(0)) wake();
    }
  })();

  async function next<T extends StreamEvent["type"]>(
    type: T,
    match: (event: Extract<StreamEvent, { type: T }>) => boolean = () => true,
  ): Promise<ReceivedEvent & { event: Extract<StreamEvent, { type: T }> }> {
    for (;;) {
      for (let i = 0; i < received.length; i++) {
        const item = received[i]!;
        if (taken.has(i)) continue;
        if (item.event.type === type && match(item.event as Extract<StreamEvent, { type: T }>)) {
          taken.add(i);
          return item as ReceivedEvent & { event: Extract<StreamEvent, { type: T }> };
        }
      }
      if (ended) throw new Error(`stream ended before a ${type} event`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  }

  return {
    status: response.status,
    response,
    received,
    next,
    /** The events of `type` received so far. */
    all: <T extends StreamEvent["type"]>(type: T) =>
      received.filter((r) => r.event.type === type) as (ReceivedEvent & { event: Extract<StreamEvent, { type: T }> })[],
    get ended() {
      return ended;
    },
    close: () => controller.abort(),
  };
}

/** A connection that records what the hub writes, `id:` lines included. */
export function recordingResponse() {
  let text = "";
  const res = {
    writableLength: 0,
    destroyed: false,
    write(chunk: string | Buffer) {
      text += chunk.toString();
      return true;
    },
    destroy() {},
    end() {},
  } as unknown as ServerResponse;
  return { res, text: () => text };
}

/**
 * What a resumed stream must hold: before `markerId` (a message sent after the reconnect), the
 * chat's events are exactly `missed`, in order, once each, with ids above the `lastEventId` it
 * resumed from, rising.
 */
export function expectResumedExactly(received: ReceivedEvent[], chatId: string, missed: MessageDto[], markerId: string, lastEventId: number): void {
  const ofChat = received.filter((r) => "chatId" in r.event && r.event.chatId === chatId);
  const markerAt = ofChat.findIndex((r) => r.event.type === "message.created" && r.event.message.id === markerId);
  const beforeMarker = ofChat.slice(0, markerAt);
  expect(beforeMarker.map((r) => r.event.type)).toEqual(missed.map(() => "message.created"));
  const replayed = beforeMarker.map((r) => (r.event as Extract<StreamEvent, { type: "message.created" }>).message);
  expect(replayed.map((m) => m.id)).toEqual(missed.map((m) => m.id));
  expect(replayed.map((m) => m.seq)).toEqual(missed.map((m) => m.seq));
  expect(replayed.map((m) => m.body)).toEqual(missed.map((m) => m.body));
  const ids = beforeMarker.map((r) => r.id!);
  expect(ids.every((id, i) => id > lastEventId && (i === 0 || id > ids[i - 1]!))).toBe(true);
}
