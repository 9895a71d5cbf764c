/**
 * The floor under send→deliver latency on this machine: a bare single-row INSERT round trip on
 * the benchmark's database plus a bare Redis publish→receive. No app code is involved.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { Histogram } from "./stats";

export type Floor = { insert: Histogram; redis: Histogram; sum: Histogram };

export async function measureFloor(databaseUrl: string, redisUrl: string, samples = 500): Promise<Floor> {
  const floor: Floor = { insert: new Histogram(), redis: new Histogram(), sum: new Histogram() };
  const client = new pg.Client({ connectionString: databaseUrl });
  const publisher = new Redis(redisUrl, { lazyConnect: true });
  const subscriber = new Redis(redisUrl, { lazyConnect: true });
  try {
    await client.connect();
    await Promise.all([publisher.connect(), subscriber.connect()]);
    await client.query("create table if not exists bench_floor (id bigserial primary key, body text not null, created_at timestamptz not null default now())");
    const channel = `bench-floor:${randomBytes(6).toString("hex")}`;
    await subscriber.subscribe(channel);
    let waiting: ((at: number) => void) | null = null;
    subscriber.on("message", () => waiting?.(performance.now()));
    const warmUp = 20;
    for (let i = 0; i < samples + warmUp; i++) {
      const t0 = performance.now();
      await client.query("insert into bench_floor (body) values ($1)", [`floor ${i}`]);
      const t1 = performance.now();
      const received = new Promise<number>((resolve) => (waiting = resolve));
      const t2 = performance.now();
      await publisher.publish(channel, `floor ${i}`);
      const t3 = await received;
      if (i < warmUp) continue;
      floor.insert.add(t1 - t0);
      floor.redis.add(t3 - t2);
      floor.sum.add(t1 - t0 + (t3 - t2));
    }
    await client.query("drop table bench_floor");
  } finally {
    await client.end().catch(() => {});
    publisher.disconnect();
    subscriber.disconnect();
  }
  return floor;
}
