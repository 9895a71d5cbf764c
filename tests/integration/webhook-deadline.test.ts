import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "~/db/client";
import { createWebhook, createWebhookWorker, deleteWebhook, enqueueWebhooks, listDeliveries } from "~/server/services/webhooks";
import { createPersonas } from "../factories/auth";
import { createTestDatabase } from "../factories/db";

/**
 * A receiver that answers one byte at a time, forever: each byte resets an idle timeout, so
 * only a deadline on the whole attempt ends it. `headers`: the status line, then a header line
 * every tick; `body`: all headers at once, then the body byte by byte.
 */
async function trickler(stage: "headers" | "body") {
  let requests = 0;
  const ticks = new Set<NodeJS.Timeout>();
  const trickle = (write: () => void) => {
    const tick = setInterval(write, 20);
    ticks.add(tick);
    return () => {
      clearInterval(tick);
      ticks.delete(tick);
    };
  };
  let server: net.Server;
  if (stage === "headers") {
    server = net.createServer((socket) => {
      requests++;
      socket.once("data", () => {
        socket.write("HTTP/1.1 200 OK\r\n");
        socket.on("close", trickle(() => socket.write("x-slow: 1\r\n")));
      });
      socket.on("error", () => undefined);
    });
  } else {
    server = http.createServer((req, res) => {
      requests++;
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-length": "1000000" });
        res.flushHeaders();
        res.on("close", trickle(() => res.write("x")));
      });
    });
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    requests: () => requests,
    close: () => {
      for (const tick of ticks) clearInterval(tick);
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

describe("webhook delivery deadline", () => {
  let database: Database;
  let admin: { id: string; username: string; name: string; role: "admin" };

  beforeAll(async () => {
    database = await createTestDatabase();
    const personas = await createPersonas(database.db);
    admin = { id: personas.admin.id, username: "alice", name: "Alice Admin", role: "admin" };
  });
  afterAll(() => database?.close());

  for (const stage of ["headers", "body"] as const) {
    it(`ends an attempt whose receiver trickles the ${stage} at the deadline, records it failed once, and never sends it again`, async () => {
      const receiver = await trickler(stage);
      const hook = await createWebhook(database.db, admin, { url: receiver.url, events: ["message.created"] }, { allowLoopback: true });
      await database.db.transaction((tx) => enqueueWebhooks(tx, "message.created", { stage }));
      // No retries: one failed attempt is final, so a second request could only be a duplicate.
      const worker = createWebhookWorker(database.db, { allowLoopback: true, retryDelaysMs: [], deadlineMs: 300 });

      expect(await worker.runOnce()).toBe(1);
      const [delivery] = await listDeliveries(database.db, hook.id);
      expect(delivery).toMatchObject({ state: "failed", attempts: 1, lastError: "No complete answer within 0.3 s", deliveredAt: null });
      expect(await worker.runOnce()).toBe(0);
      expect(receiver.requests()).toBe(1);

      await worker.stop();
      await deleteWebhook(database.db, admin, hook.id);
      await receiver.close();
    });
  }

  it("refuses a deadline that is not well inside the claim on a delivery", () => {
    expect(() => createWebhookWorker(database.db, { allowLoopback: true, deadlineMs: 120_000 })).toThrow(/well under its 120 s claim/);
  });
});
