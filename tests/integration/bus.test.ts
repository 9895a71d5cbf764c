import { describe, expect, it } from "vitest";
import { createBus } from "~/server/realtime/bus";

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
});
