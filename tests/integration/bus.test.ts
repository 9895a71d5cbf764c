import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { createBus, createRedisBus } from "~/server/realtime/bus";

describe("bus", () => {
  it("delivers a message published by one instance to a subscriber on another", async () => {
    // With REDIS_URL two buses are two Redis connections, as two app instances would have;
    // without it the memory bus is one process, so the same bus plays both parts.
    const publisher = await createBus(process.env.REDIS_URL);
    const subscriber = process.env.REDIS_URL ? await createBus(process.env.REDIS_URL) : publisher;
    const received = new Promise<[string, string]>((resolve) => {
      subscriber.subscribe((channel, payload) => resolve([channel, payload]));
    });
    await publisher.publish("test", "hello");
    expect(await received).toEqual(["test", "hello"]);
    await Promise.all([publisher.close(), subscriber.close()]);
  });

  it("delivers a batch published at once, all of it and in order", async () => {
    const publisher = await createBus(process.env.REDIS_URL);
    const subscriber = process.env.REDIS_URL ? await createBus(process.env.REDIS_URL) : publisher;
    const batch = Array.from({ length: 50 }, (_, i) => `message ${i}`);
    const received: string[] = [];
    const all = new Promise<void>((resolve) => {
      subscriber.subscribe((channel, payload) => {
        if (channel === "batch") received.push(payload);
        if (received.length === batch.length) resolve();
      });
    });
    await publisher.publishMany("batch", batch);
    await all;
    expect(received).toEqual(batch);
    await Promise.all([publisher.close(), subscriber.close()]);
  });

  it.skipIf(!process.env.REDIS_URL)("says when its subscription is back after Redis dropped it, and receives again", async () => {
    const namespace = `bus-test-${randomUUID()}:`;
    const bus = await createRedisBus(process.env.REDIS_URL!, namespace);
    const admin = new Redis(process.env.REDIS_URL!);
    try {
      const back = new Promise<void>((resolve) => bus.onReconnect(resolve));
      // Only this bus's subscriber: the other test files' connections to the same Redis stay.
      const clients = (await admin.call("CLIENT", "LIST", "TYPE", "pubsub")) as string;
      const ours = clients.split("\n").filter((line) => line.includes(` name=${namespace}subscriber `));
      expect(ours).toHaveLength(1);
      await admin.call("CLIENT", "KILL", "ID", /\bid=(\d+)/.exec(ours[0]!)![1]!);
      await back;
      const received = new Promise<string>((resolve) => bus.subscribe((_channel, payload) => resolve(payload)));
      await bus.publish("after", "again");
      expect(await received).toBe("again");
    } finally {
      admin.disconnect();
      await bus.close();
    }
  });
});
