import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openPostgres } from "~/db/client";
import type { MessageDto } from "~/contracts/messages";
import { createUser } from "~/server/services/users";
import { type AppProcess, freePorts, signIn as signInAs, startApp, stopApp, trpc, waitHealthy } from "../factories/app-process";
import { expectResumedExactly, openStream } from "../factories/stream";

/**
 * Two real app processes (server/main.ts) on one PostgreSQL database and one Redis: what a
 * deployment behind a load balancer does. Runs in the CI's server-mode pass only.
 */
const serverUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
const PASSWORD = "correct horse battery";

const METRICS_TOKEN = randomBytes(16).toString("hex");
const signIn = (app: AppProcess, username: string) => signInAs(app, username, PASSWORD);

describe.skipIf(!serverUrl || !redisUrl)("two app instances on one PostgreSQL and one Redis", () => {
  const dbName = `floorchat_multi_${randomBytes(6).toString("hex")}`;
  let database: Database | undefined;
  const apps: AppProcess[] = [];
  let a: AppProcess;
  let b: AppProcess;
  let alice: string;
  let bob: string;
  let bobId: string;
  let chatId: string;
  let clientSeq = 0;
  /** The highest event id bob's first stream saw: his browser's Last-Event-ID. */
  let bobLastEventId = 0;

  const send = (app: AppProcess, body: string) =>
    trpc<MessageDto>(app, alice, "message.send", { chatId, clientId: `multi-${dbName}-${++clientSeq}`, body });

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database "${dbName}"`);
    await admin.end();
    const url = new URL(serverUrl!);
    url.pathname = `/${dbName}`;
    database = await openPostgres(url.toString());
    await createUser(database.db, "system", { username: "alice", name: "Alice Sender", role: "worker", password: PASSWORD });
    bobId = (await createUser(database.db, "system", { username: "bob", name: "Bob Subscriber", role: "worker", password: PASSWORD })).id;

    const env = {
      DATABASE_URL: url.toString(),
      REDIS_URL: redisUrl!,
      AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString("base64url"),
      SEED_DEMO: "0",
      // Its own Redis channel: other test files start instances on the same Redis at the same time.
      REDIS_PREFIX: `floorchat-test-multi-${randomBytes(4).toString("hex")}:`,
      // Nobody's address is allowed (loopback included), so only the token opens /metrics.
      METRICS_ALLOW: "192.0.2.1",
      METRICS_TOKEN: METRICS_TOKEN,
    };
    const [portA, portB] = await freePorts(2);
    a = startApp(portA!, env);
    b = startApp(portB!, env);
    apps.push(a, b);
    await Promise.all(apps.map((app) => waitHealthy(app)));

    alice = await signIn(a, "alice");
    bob = await signIn(b, "bob");
    ({ id: chatId } = await trpc<{ id: string }>(b, alice, "chat.openDirect", { userIds: [bobId] }));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(apps.map(stopApp));
    await database?.close();
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`drop database if exists "${dbName}" with (force)`);
    await admin.end();
  }, 60_000);

  it("delivers a message sent through instance B to a subscriber streaming from instance A", async () => {
    const stream = await openStream(`${a.origin}/api/stream`, bob);
    expect(stream.status).toBe(200);
    await stream.next("ready");
    const sent = await send(b, "sent through B");
    const received = await stream.next("message.created", (e) => e.message.id === sent.id);
    expect(received.event).toMatchObject({ chatId, message: { id: sent.id, seq: sent.seq, body: "sent through B" } });
    bobLastEventId = Math.max(...stream.received.map((r) => r.id ?? 0));
    expect(bobLastEventId).toBe(received.id);
    stream.close();
  });

  it("resumes on instance B from Last-Event-ID with exactly the 38 missed messages, in order, once", async () => {
    expect(bobLastEventId).toBeGreaterThan(0);
    const missed: MessageDto[] = [];
    // Within alice's send burst on each instance (20: one went through B above, the marker goes
    // through A below), so no send is refused as too fast however quickly the instances answer.
    for (let i = 0; i < 38; i++) missed.push(await send(i % 2 === 0 ? a : b, `missed ${i}`));

    const resumed = await openStream(`${b.origin}/api/stream`, bob, bobLastEventId);
    expect(resumed.status).toBe(200);
    await resumed.next("ready");
    // A message sent after the reconnect marks the end: anything duplicated or stray in between
    // would have arrived before it.
    const marker = await send(a, "after the reconnect");
    await resumed.next("message.created", (e) => e.message.id === marker.id);

    expectResumedExactly(resumed.received, chatId, missed, marker.id, bobLastEventId);
    resumed.close();
  });

  it("serves /metrics only to its token: streams held, sends counted, delivery lag, queue depths and the pool, per instance", async () => {
    const scrape = (app: AppProcess, authorization?: string) =>
      fetch(`${app.origin}/metrics`, { headers: authorization ? { authorization } : {} });
    expect((await scrape(a)).status).toBe(404);
    expect((await scrape(a, `Bearer ${METRICS_TOKEN.slice(1)}x`)).status).toBe(404);

    const stream = await openStream(`${a.origin}/api/stream`, alice);
    await stream.next("ready");
    const sent = await trpc<MessageDto>(b, bob, "message.send", { chatId, clientId: `multi-${dbName}-metrics`, body: "counted" });
    await stream.next("message.created", (e) => e.message.id === sent.id);

    const read = async (app: AppProcess) => {
      const response = await scrape(app, `Bearer ${METRICS_TOKEN}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      const value = (series: string) => {
        const line = text.split("\n").find((l) => l.startsWith(`${series} `));
        return line === undefined ? undefined : Number(line.slice(series.length + 1));
      };
      return { text, value };
    };
    const onA = await read(a);
    const onB = await read(b);
    expect(onA.value("floorchat_streams_open")).toBe(1);
    expect(onB.value("floorchat_streams_open")).toBe(0);
    expect(onB.value('floorchat_sends_total{outcome="ok"}')).toBeGreaterThanOrEqual(1);
    expect(onB.value("floorchat_send_duration_seconds_count")).toBeGreaterThanOrEqual(1);
    // The message went out from B and reached A's hub over Redis.
    expect(onA.value("floorchat_delivery_lag_seconds_count")).toBeGreaterThanOrEqual(1);
    for (const queue of ["webhooks", "push", "sms"]) expect(onA.value(`floorchat_queue_depth{queue="${queue}",state="pending"}`)).toBe(0);
    expect(onA.value('floorchat_db_pool_connections{state="waiting"}')).toBe(0);
    expect(onA.value('floorchat_db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);
    expect(onA.text).toMatch(/^floorchat_process_resident_memory_bytes \d+/m);
    stream.close();
  });
});
