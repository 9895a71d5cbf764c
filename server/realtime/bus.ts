import { EventEmitter } from "node:events";
import { Redis } from "ioredis";

export type BusKind = "memory" | "redis";
export type BusHandler = (channel: string, payload: string) => void;

/**
 * Fan-out between app instances. Redis pub/sub is at-most-once: consumers must tolerate
 * a lost message (DESIGN.md invariant 3 has clients backfill seq gaps from the database).
 */
export interface Bus {
  readonly kind: BusKind;
  publish(channel: string, payload: string): Promise<void>;
  /** Several messages in one go, in order: one pipelined round trip on Redis. */
  publishMany(channel: string, payloads: string[]): Promise<void>;
  subscribe(handler: BusHandler): () => void;
  /**
   * Called each time the subscription is back after a break (Redis restarted, the connection
   * dropped): what was published meanwhile never arrives and must be read from the event log.
   */
  onReconnect(handler: () => void): () => void;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createMemoryBus(): Bus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    kind: "memory",
    publish(channel, payload) {
      emitter.emit("message", channel, payload);
      return Promise.resolve();
    },
    publishMany(channel, payloads) {
      for (const payload of payloads) emitter.emit("message", channel, payload);
      return Promise.resolve();
    },
    subscribe(handler) {
      emitter.on("message", handler);
      return () => emitter.off("message", handler);
    },
    // One process: nothing in between can break.
    onReconnect: () => () => {},
    ping: () => Promise.resolve(),
    close() {
      emitter.removeAllListeners();
      return Promise.resolve();
    },
  };
}

/** `namespace` keeps deployments (or test runs) sharing one Redis apart. */
export async function createRedisBus(url: string, namespace = "floorchat:"): Promise<Bus> {
  const CHANNEL_PREFIX = namespace;
  // A subscribed Redis connection can do nothing else, so publishing needs its own.
  const options = { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5_000 };
  // Publishes from one tick of the event loop (many sends at once) go out in one write.
  const publisher = new Redis(url, { ...options, enableAutoPipelining: true });
  // Named, so an operator (or a test) can tell it apart in CLIENT LIST.
  const subscriber = new Redis(url, { ...options, connectionName: `${namespace}subscriber` });
  const handlers = new Set<BusHandler>();
  for (const connection of [publisher, subscriber]) {
    connection.on("error", (error: Error) => console.error("[bus] redis:", error.message));
  }
  try {
    await Promise.all([publisher.connect(), subscriber.connect()]);
    await subscriber.psubscribe(`${CHANNEL_PREFIX}*`);
  } catch (error) {
    publisher.disconnect();
    subscriber.disconnect();
    throw new Error(`Cannot reach Redis at REDIS_URL: ${(error as Error).message}`);
  }
  subscriber.on("pmessage", (_pattern: string, channel: string, payload: string) => {
    const name = channel.slice(CHANNEL_PREFIX.length);
    for (const handler of handlers) handler(name, payload);
  });
  // ioredis reconnects by itself and subscribes again (autoResubscribe); every "ready" after the
  // first connect is such a return.
  const reconnected = new Set<() => void>();
  subscriber.on("ready", () => {
    console.error("[bus] redis: subscribed again; reading what was missed from the event log");
    for (const handler of reconnected) handler();
  });
  return {
    kind: "redis",
    async publish(channel, payload) {
      await publisher.publish(CHANNEL_PREFIX + channel, payload);
    },
    async publishMany(channel, payloads) {
      if (payloads.length === 1) {
        await publisher.publish(CHANNEL_PREFIX + channel, payloads[0]!);
        return;
      }
      const pipeline = publisher.pipeline();
      for (const payload of payloads) pipeline.publish(CHANNEL_PREFIX + channel, payload);
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed) throw failed[0]!;
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    onReconnect(handler) {
      reconnected.add(handler);
      return () => reconnected.delete(handler);
    },
    async ping() {
      await publisher.ping();
    },
    async close() {
      handlers.clear();
      reconnected.clear();
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}

export function createBus(redisUrl: string | undefined, namespace?: string): Promise<Bus> {
  return redisUrl ? createRedisBus(redisUrl, namespace) : Promise.resolve(createMemoryBus());
}
