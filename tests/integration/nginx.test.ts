import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openPostgres } from "~/db/client";
import { sessions } from "~/db/schema";
import type { MessageDto } from "~/contracts/messages";
import { createUser } from "~/server/services/users";
import { type AppProcess, freePorts, signIn, startApp, stopApp, trpc, waitHealthy } from "../factories/app-process";
import { expectResumedExactly, openStream } from "../factories/stream";

/**
 * deploy/nginx.conf in front of two real app instances on one PostgreSQL and one Redis: the
 * shipped file itself, with only its addresses, user and log and temp paths swapped for this
 * machine's. Runs in the CI's server-mode pass, where nginx is installed (.ci/run).
 */
const serverUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
const NGINX = "/usr/sbin/nginx";
const nginxAvailable = fs.existsSync(NGINX);
const PASSWORD = "correct horse battery";
/** The client's own address as nginx sees it: another loopback address than nginx's own. */
const CLIENT_ADDRESS = "127.0.0.2";

type Stream = Awaited<ReturnType<typeof openStream>>;

/** Replaces what the shipped config must hold exactly once: a reworded line fails here instead of going untested. */
function swap(conf: string, from: RegExp, to: string): string {
  const found = conf.match(new RegExp(from.source, "gm"))?.length ?? 0;
  if (found !== 1) throw new Error(`deploy/nginx.conf: expected one line matching ${from}, found ${found}`);
  return conf.replace(new RegExp(from.source, "m"), to);
}

/** deploy/nginx.conf as this test runs it: the instances' and nginx's ports, and files under `dir`. */
function testConfig(dir: string, port: number, instances: [AppProcess, AppProcess]): string {
  let conf = fs.readFileSync(path.join(process.cwd(), "deploy", "nginx.conf"), "utf8");
  // As root nginx would switch its workers to the `nginx` user, which Debian does not have;
  // as anyone else it ignores the directive.
  conf = swap(conf, /^user nginx;$/, process.getuid?.() === 0 ? "user root;" : "");
  conf = swap(conf, /^error_log \/var\/log\/nginx\/error\.log notice;$/, `error_log ${dir}/error.log notice;`);
  conf = swap(conf, /^(\s*)access_log \/var\/log\/nginx\/access\.log floorchat;$/, `$1access_log ${dir}/access.log floorchat;`);
  conf = swap(
    conf,
    /^http \{$/,
    ["http {", ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((kind) => `    ${kind}_temp_path ${dir}/${kind}_temp;`)].join("\n"),
  );
  conf = swap(conf, /^(\s*)server app1:3000 /, `$1server 127.0.0.1:${instances[0].port} `);
  conf = swap(conf, /^(\s*)server app2:3000 /, `$1server 127.0.0.1:${instances[1].port} `);
  conf = swap(conf, /^(\s*)listen 80;$/, `$1listen 127.0.0.1:${port};`);
  return conf;
}

/** nginx in the foreground, shaped like an app process so waitHealthy, trpc and stopApp take it. */
function startNginx(dir: string, port: number, conf: string): AppProcess {
  const file = path.join(dir, "nginx.conf");
  fs.writeFileSync(file, conf);
  const child = spawn(NGINX, ["-p", `${dir}/`, "-e", `${dir}/error.log`, "-c", file, "-g", `daemon off; pid ${dir}/nginx.pid;`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-10_000));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const errorLog = () => (fs.existsSync(path.join(dir, "error.log")) ? fs.readFileSync(path.join(dir, "error.log"), "utf8").slice(-10_000) : "");
  return { port, origin: `http://127.0.0.1:${port}`, child, output: () => `${output}\n${errorLog()}` };
}

/** A request from `localAddress`, which is then the address nginx sees the client at. */
function requestFrom(localAddress: string, url: string, init: { method: string; headers: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const request = http.request(url, { method: init.method, headers: init.headers, localAddress, agent: false }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on("error", reject);
    request.end(init.body);
  });
}

/** How many live streams an instance holds, from its /metrics (loopback may read it). */
async function streamsOpen(app: AppProcess): Promise<number> {
  const text = await (await fetch(`${app.origin}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith("floorchat_streams_open "));
  return Number(line?.slice("floorchat_streams_open ".length));
}

describe.skipIf(!serverUrl || !redisUrl || !nginxAvailable)("deploy/nginx.conf in front of two app instances", () => {
  const dbName = `floorchat_nginx_${randomBytes(6).toString("hex")}`;
  /** nginx's configuration, logs and temp files. */
  let dir: string | undefined;
  let database: Database | undefined;
  const apps: AppProcess[] = [];
  let nginx: AppProcess | undefined;
  let proxy: AppProcess;
  let alice: string;
  let bob: string;
  let bobId: string;
  let chatId: string;
  let clientSeq = 0;
  const streams: Stream[] = [];
  /** The instance bob's first stream landed on (killed later), and the other one. */
  let holder: AppProcess;
  let other: AppProcess;
  /** The highest event id bob's first stream saw: his browser's Last-Event-ID. */
  let bobLastEventId = 0;

  const send = (to: AppProcess, body: string) => trpc<MessageDto>(to, alice, "message.send", { chatId, clientId: `nginx-${dbName}-${++clientSeq}`, body });

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

    dir = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-nginx-"));
    const [portA, portB, portNginx] = await freePorts(3);
    const origin = `http://127.0.0.1:${portNginx}`;
    // What deploy/compose.yaml gives each instance: nginx's address is the public one, and the
    // only proxy whose X-Forwarded-For is believed.
    const env = {
      DATABASE_URL: url.toString(),
      REDIS_URL: redisUrl!,
      AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString("base64url"),
      SEED_DEMO: "0",
      // Its own Redis channel: other test files start instances on the same Redis at the same time.
      REDIS_PREFIX: `floorchat-test-nginx-${randomBytes(4).toString("hex")}:`,
      PUBLIC_URL: origin,
      TRUSTED_PROXIES: "127.0.0.1",
    };
    const a = startApp(portA!, env);
    const b = startApp(portB!, env);
    apps.push(a, b);
    await Promise.all(apps.map((app) => waitHealthy(app)));
    nginx = startNginx(dir, portNginx!, testConfig(dir, portNginx!, [a, b]));
    proxy = nginx;
    await waitHealthy(proxy, 30_000);

    alice = await signIn(proxy, "alice", PASSWORD);
    // Bob signs in from another address than nginx's, claiming a third one.
    const signedIn = await requestFrom(CLIENT_ADDRESS, `${origin}/api/auth/sign-in/username`, {
      method: "POST",
      headers: { "content-type": "application/json", origin, "x-forwarded-for": "203.0.113.9" },
      body: JSON.stringify({ username: "bob", password: PASSWORD }),
    });
    if (signedIn.status !== 200) throw new Error(`sign-in of bob through nginx failed: ${signedIn.status} ${signedIn.body}`);
    bob = (signedIn.headers["set-cookie"] ?? []).map((cookie) => cookie.split(";", 1)[0]).join("; ");
    ({ id: chatId } = await trpc<{ id: string }>(proxy, alice, "chat.openDirect", { userIds: [bobId] }));
  }, 180_000);

  afterAll(async () => {
    for (const stream of streams) stream.close();
    if (nginx) await stopApp(nginx);
    await Promise.all(apps.map(stopApp));
    await database?.close();
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`drop database if exists "${dbName}" with (force)`);
    await admin.end();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("passes the live stream through unbuffered and uncompressed: a message sent on the other instance arrives through nginx", async () => {
    const stream = await openStream(`${proxy.origin}/api/stream`, bob);
    streams.push(stream);
    expect(stream.status).toBe(200);
    expect(stream.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    // fetch asks for gzip by itself; a compressed stream could be held back in the compressor.
    expect(stream.response.headers.get("content-encoding")).toBeNull();
    await stream.next("ready");
    const held = await Promise.all(apps.map(streamsOpen));
    expect([...held].sort()).toEqual([0, 1]);
    [holder, other] = held[0] === 1 ? [apps[0]!, apps[1]!] : [apps[1]!, apps[0]!];

    // Straight to the instance the stream is not on: the event crosses Redis, then nginx.
    const sent = await send(other, "sent past nginx");
    const received = await stream.next("message.created", (e) => e.message.id === sent.id);
    expect(received.event).toMatchObject({ chatId, message: { id: sent.id, seq: sent.seq, body: "sent past nginx" } });
    bobLastEventId = Math.max(...stream.received.map((r) => r.id ?? 0));
    expect(bobLastEventId).toBe(received.id);
  });

  it("rewrites X-Forwarded-For: the app records the address nginx saw, not the one the client claimed", async () => {
    const recorded = await database!.db.select({ ipAddress: sessions.ipAddress }).from(sessions).where(eq(sessions.userId, bobId));
    expect(recorded).toEqual([{ ipAddress: CLIENT_ADDRESS }]);
  });

  it("answers /metrics and /internal/ with 404 through nginx, though an instance would serve /metrics to its loopback", async () => {
    expect((await fetch(`${proxy.origin}/metrics`)).status).toBe(404);
    expect((await fetch(`${proxy.origin}/internal/backup`, { method: "POST" })).status).toBe(404);
    expect((await fetch(`${holder.origin}/metrics`)).status).toBe(200);
  });

  it("after the stream's instance is killed, resumes through nginx on the other from Last-Event-ID with the 15 missed messages, in order, once", async () => {
    expect(bobLastEventId).toBeGreaterThan(0);
    const [first] = streams;
    const exited = new Promise((resolve) => holder.child.once("exit", resolve));
    holder.child.kill("SIGKILL");
    await exited;
    // nginx ends the browser's side when the instance's side breaks; a browser then reconnects.
    await expect(first!.next("message.created", () => false)).rejects.toThrow(/stream ended/);

    // Through nginx, which skips the dead instance. Within alice's send burst on the survivor
    // (20: one went to it above, the marker follows), so no send is refused as too fast.
    const missed: MessageDto[] = [];
    for (let i = 0; i < 15; i++) missed.push(await send(proxy, `missed ${i}`));

    const resumed = await openStream(`${proxy.origin}/api/stream`, bob, bobLastEventId);
    streams.push(resumed);
    expect(resumed.status).toBe(200);
    await resumed.next("ready");
    expect(await streamsOpen(other)).toBe(1);
    // A message sent after the reconnect marks the end: anything duplicated or stray in between
    // would have arrived before it.
    const marker = await send(proxy, "after the reconnect");
    await resumed.next("message.created", (e) => e.message.id === marker.id);

    expectResumedExactly(resumed.received, chatId, missed, marker.id, bobLastEventId);
  });
});
