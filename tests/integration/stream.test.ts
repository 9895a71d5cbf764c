import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "~/db/client";
import type { Auth } from "~/server/auth";
import { Hub } from "~/server/realtime/hub";
import { createStreamHandler } from "~/server/realtime/stream";
import { createPersonas, createTestAuth, signIn } from "../factories/auth";
import { createTestDatabase } from "../factories/db";

/** Reads SSE frames from a streaming fetch until `count` events have arrived. */
async function readEvents(response: Response, count: number) {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: { event: string; data: unknown }[] = [];
  let buffer = "";
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
  }
  await reader.cancel();
  return events;
}

describe("GET /api/stream", () => {
  let database: Database;
  let auth: Auth;
  let hub: Hub;
  let server: http.Server;
  let url: string;
  let pickerId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    auth = createTestAuth(database.db);
    pickerId = (await createPersonas(database.db)).picker.id;
    hub = new Hub(20);
    const handle = createStreamHandler({ auth, hub });
    server = http.createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/stream`;
  });
  afterAll(async () => {
    hub.close();
    await new Promise((resolve) => server.close(resolve));
    await database.close();
  });

  it("refuses an anonymous connection with 401", async () => {
    const response = await fetch(url);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: "unauthorized", message: "Sign in first" } });
  });

  it("opens an event stream for a signed-in user: ready first, then heartbeats", async () => {
    const cookie = await signIn(auth, "pia");
    const response = await fetch(url, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const events = await readEvents(response, 2);
    expect(events[0]).toMatchObject({ event: "ready", data: { type: "ready", userId: pickerId } });
    expect(events[1]).toMatchObject({ event: "heartbeat", data: { type: "heartbeat" } });
  });

  it("forgets a connection when the client goes away", async () => {
    const cookie = await signIn(auth, "pia");
    const controller = new AbortController();
    const response = await fetch(url, { headers: { cookie }, signal: controller.signal });
    await vi.waitFor(() => expect(hub.size).toBe(1));
    controller.abort();
    await response.body?.cancel().catch(() => {});
    await vi.waitFor(() => expect(hub.size).toBe(0));
  });
});
