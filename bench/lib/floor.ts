/**
 * The floor under send→deliver latency on this machine: bare node:http servers (floor-server.mts)
 * doing the same single SQL statement, a Redis publish and an SSE write, one per app instance,
 * bundled like the app (no TypeScript loader) and started beside it. bench:latency drives them
 * with the same client, workload and rate, so app ÷ floor says what our code costs.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { build } from "esbuild";
import pg from "pg";
import { type Instance, startInstances } from "./instances";

const FLOOR_BUNDLE = path.join("dist", "bench", "floor-server.mjs");

export async function startFloor(count: number, databaseUrl: string, redisUrl: string): Promise<Instance[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`create table if not exists bench_floor_messages (
      id bigserial primary key, chat_id uuid not null, sender_id text not null, client_id text not null,
      seq bigint not null, body text not null, created_at timestamptz not null default now(), unique (sender_id, client_id))`);
  } finally {
    await client.end();
  }
  await build({
    entryPoints: [path.join("bench", "lib", "floor-server.mts")],
    outfile: FLOOR_BUNDLE,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
  return startInstances({
    count,
    entry: FLOOR_BUNDLE,
    env: { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, FLOOR_CHANNEL: `bench-floor:${randomBytes(6).toString("hex")}` },
  });
}

/** The cookie the floor servers take as the sender's or reader's identity (they check nothing else). */
export function floorCookie(userId: string): string {
  return `floor_user=${userId}`;
}
