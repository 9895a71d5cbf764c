/**
 * Breaks the running system on purpose and counts what it costs (issue 17, "Chaos bench").
 *
 *   DATABASE_URL=postgres://… REDIS_URL=redis://… npm run bench:chaos [-- options]
 *
 * Two app instances (what `npm start` runs) on a scratch PostgreSQL database and the Redis of
 * REDIS_URL, 500 users each holding a live stream, 100 msg/s sent the whole run. Then, in turn,
 * with the load running:
 *   kill_instance     `kill -9` one instance (it is started again after the fault is measured);
 *   redis_restart     stop Redis, keep it down for --down-seconds, start it again;
 *   postgres_restart  stop PostgreSQL, keep it down for --down-seconds, start it again;
 *   client_offline    one client drops its stream and queues 20 messages for --offline-seconds,
 *                     then comes back and sends them;
 *   lost_responses    --lost-responses sends whose answer never reaches the client (the request is
 *                     written, then the connection dropped), each retried.
 *
 * The client does what the browser does: an EventSource that, when its stream ends, waits the
 * server's `retry:` (3 s) and reconnects with Last-Event-ID — through the next instance when
 * its own does not answer, as a load balancer would send it; and an outbox that retries a send
 * with the same clientId after a network error, a 429 or a 5xx, until it is answered.
 *
 * For each fault, over the messages scheduled from its start until it has converged: sent (answered),
 * failed (never answered by the end), lost (answered but missing on a member's stream), duplicated
 * (on one stream twice), reordered (a chat's seq going back on a stream), and converged_ms: from
 * the fault's end until every stream holds every message of every chat answered by then. The
 * targets: 0 lost, 0 duplicated, 0 reordered, convergence within 10 s. The last line is JSON.
 *
 * Redis and PostgreSQL are restarted with the commands this machine's services are started with
 * (needs root; a fault whose command fails is reported as skipped). Nothing else may be using
 * them meanwhile: their restart breaks every client, not only this run's.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import { parseArgs } from "./lib/args";
import { type Instance, startInstances, stopInstance } from "./lib/instances";
import { cleanup, isStopping, onCleanup, runBench } from "./lib/run";
import { createEntityChats, createScratchDatabase, createUsers, randomSecret } from "./lib/setup";
import { type SseStream, openSseStream } from "./lib/sse";

const USAGE = `usage: npm run bench:chaos -- [--users 500] [--chat-size 10] [--rate 100] [--down-seconds 5]
       [--offline-seconds 60] [--offline-messages 20] [--lost-responses 20] [--settle-seconds 10]
       [--kill-instance=0] [--redis-restart=0] [--postgres-restart=0] [--client-offline=0] [--lost-responses-fault=0]`;

const options = parseArgs(
  {
    users: 500,
    chatSize: 10,
    rate: 100,
    downSeconds: 5,
    offlineSeconds: 60,
    offlineMessages: 20,
    lostResponses: 20,
    /** Load before the first fault and between faults, not measured. */
    settleSeconds: 10,
    /** Longest wait for convergence after a fault before it is reported as not converged. */
    convergeLimitSeconds: 60,
    killInstance: true,
    redisRestart: true,
    postgresRestart: true,
    clientOffline: true,
    lostResponsesFault: true,
    timeLimit: 1200,
  },
  USAGE,
);

const RETRY_MS = 3_000; // the stream's `retry:` (server/realtime/stream.ts)
const OUTBOX_BACKOFF_MS = [250, 500, 1_000, 2_000, 4_000];

type FaultName = "kill_instance" | "redis_restart" | "postgres_restart" | "client_offline" | "lost_responses";
type FaultResult =
  | { sent: number; failed: number; lost: number; duplicates: number; reordered: number; converged_ms: number | null; retries: number }
  | { skipped: string };

type Sent = { chat: number; seq: number; phase: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!databaseUrl || !redisUrl) {
    console.error("bench:chaos runs in server mode: set DATABASE_URL (PostgreSQL) and REDIS_URL (Redis).");
    process.exitCode = 2;
    return;
  }
  const t0 = performance.now();
  const log = (text: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${text}`);
  const secret = randomSecret();
  const scratch = await createScratchDatabase(databaseUrl, "floorchat_chaos");
  onCleanup(() => scratch.drop(), "after");
  const users = await createUsers(scratch.database.db, options.users, secret, "chaos");
  // Chats of chatSize members, every user in chatSize chats, members spread over both instances.
  const chatCount = Math.floor(options.users);
  const members: number[][] = Array.from({ length: chatCount }, (_, c) => Array.from({ length: options.chatSize }, (_, k) => (c + k * 37) % options.users));
  const uniqueMembers = members.map((m) => [...new Set(m)]);
  const chatIds = await createEntityChats(scratch.database.db, uniqueMembers.map((m) => m.map((u) => users[u]!.id)), "CHAOS");
  const chatOf = new Map(chatIds.map((id, c) => [id, c]));
  log(`database ${scratch.name}: ${users.length} users, ${chatIds.length} chats of ${options.chatSize}`);

  const env = { DATABASE_URL: scratch.url, REDIS_URL: redisUrl, AUTH_SECRET: secret, SEED_DEMO: "0" };
  const instances: (Instance | null)[] = await startInstances({ count: 2, env });
  const ports = instances.map((i) => i!.port);
  log(`instances on ports ${ports.join(", ")}`);
  const alive = (i: number) => instances[i] !== null;

  // --- what every client has received --------------------------------------------------
  const sent = new Map<string, Sent>(); // message id → chat, seq, phase
  const received = new Map<string, number>(); // `${user}:${message id}` → times
  const reorderedIds: string[] = [];
  const lastSeq = new Map<string, number>(); // `${user}:${chat}` → highest seq seen
  const contiguous = new Map<string, number>(); // `${user}:${chat}` → all seqs up to it seen
  const ahead = new Map<string, Set<number>>(); // `${user}:${chat}` → seqs seen above contiguous
  const acceptedMax = new Array<number>(chatCount).fill(0);

  const onMessage = (user: number, data: string) => {
    const event = JSON.parse(data) as { chatId: string; message: { id: string; seq: number } };
    const chat = chatOf.get(event.chatId);
    if (chat === undefined) return;
    const key = `${user}:${event.message.id}`;
    received.set(key, (received.get(key) ?? 0) + 1);
    const uc = `${user}:${chat}`;
    const seq = event.message.seq;
    if (seq < (lastSeq.get(uc) ?? 0)) reorderedIds.push(event.message.id);
    else lastSeq.set(uc, seq);
    let upTo = contiguous.get(uc) ?? 0;
    if (seq > upTo) {
      const set = ahead.get(uc) ?? new Set<number>();
      set.add(seq);
      while (set.has(upTo + 1)) set.delete(++upTo);
      contiguous.set(uc, upTo);
      ahead.set(uc, set);
    }
  };

  // --- clients: an EventSource each ------------------------------------------------------
  type Client = { user: number; via: number; lastId: number | undefined; stream: SseStream | null; offline: boolean; reconnects: number };
  const clients: Client[] = users.map((_, user) => ({ user, via: user % 2, lastId: undefined, stream: null, offline: false, reconnects: 0 }));
  const connect = (client: Client): Promise<void> => {
    if (isStopping() || client.offline) return Promise.resolve();
    const stream = openSseStream({
      port: ports[client.via]!,
      cookie: users[client.user]!.cookie,
      lastEventId: client.lastId,
      onId: (id) => (client.lastId = id),
      onFrame: (frame) => {
        if (frame.type === "message.created") onMessage(client.user, frame.data);
      },
      onClose: () => {
        if (client.stream !== stream) return;
        client.stream = null;
        // As EventSource does: wait the server's retry, then try again; a load balancer would
        // send the new request to an instance that answers.
        setTimeout(() => void reconnect(client), RETRY_MS).unref();
      },
    });
    client.stream = stream;
    return stream.ready.then(
      () => undefined,
      () => undefined,
    );
  };
  const reconnect = async (client: Client) => {
    if (isStopping() || client.offline || client.stream) return;
    client.reconnects++;
    if (!alive(client.via)) client.via = 1 - client.via;
    await connect(client);
  };
  onCleanup(() => clients.forEach((c) => c.stream?.close()));
  for (let i = 0; i < clients.length; i += 100) await Promise.all(clients.slice(i, i + 100).map(connect));
  log(`${clients.length} streams open`);

  // --- senders: an outbox each ----------------------------------------------------------
  const agents = [new http.Agent({ keepAlive: true, maxSockets: 128 }), new http.Agent({ keepAlive: true, maxSockets: 128 })];
  onCleanup(() => agents.forEach((a) => a.destroy()));
  let phase = "settle";
  const outstanding = new Map<string, number>();
  const bump = (name: string, by: number) => outstanding.set(name, (outstanding.get(name) ?? 0) + by);
  let retries = 0;
  const phaseRetries = new Map<string, number>();
  const failedByPhase = new Map<string, number>();
  let counter = 0;
  const run = `c${Date.now().toString(36)}-`;

  /** One request; resolves with the stored message, or null for no answer / an answer to retry. */
  const attempt = (via: number, user: number, payload: string, loseResponse: boolean): Promise<{ id: string; seq: number } | null> =>
    new Promise((resolve) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port: ports[via],
          path: "/api/trpc/message.send",
          method: "POST",
          agent: loseResponse ? false : agents[via],
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), cookie: users[user]!.cookie },
        },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (body += chunk));
          res.on("end", () => {
            if (res.statusCode !== 200) return resolve(null);
            const message = (JSON.parse(body) as { result: { data: { json: { id: string; seq: number } } } }).result.data.json;
            resolve({ id: message.id, seq: message.seq });
          });
          res.on("error", () => resolve(null));
        },
      );
      req.on("error", () => resolve(null));
      req.setTimeout(15_000, () => req.destroy());
      if (loseResponse) {
        // The request reaches the server whole; its answer never reaches us.
        req.on("finish", () => setTimeout(() => req.destroy(), 1).unref());
      }
      req.end(payload);
    });

  /** Sends until answered (the outbox), always with the same clientId. */
  const send = async (user: number, chat: number, options_: { loseFirst?: boolean; phaseName?: string } = {}) => {
    const phaseName = options_.phaseName ?? phase;
    const clientId = `${run}${++counter}`;
    const payload = JSON.stringify({ json: { chatId: chatIds[chat], clientId, body: `Pallet ${counter} to dock ${counter % 7}` } });
    bump(phaseName, 1);
    let via = (user + 1) % 2;
    try {
      for (let tries = 0; !isStopping(); tries++) {
        if (!alive(via)) via = 1 - via;
        const answer = await attempt(via, user, payload, tries === 0 && options_.loseFirst === true);
        if (answer) {
          sent.set(answer.id, { chat, seq: answer.seq, phase: phaseName });
          acceptedMax[chat] = Math.max(acceptedMax[chat]!, answer.seq);
          return;
        }
        retries++;
        phaseRetries.set(phaseName, (phaseRetries.get(phaseName) ?? 0) + 1);
        via = 1 - via;
        await sleep(OUTBOX_BACKOFF_MS[Math.min(tries, OUTBOX_BACKOFF_MS.length - 1)]!);
      }
      failedByPhase.set(phaseName, (failedByPhase.get(phaseName) ?? 0) + 1);
    } finally {
      bump(phaseName, -1);
    }
  };

  // The load: rate msg/s from a random member of a random chat, open loop, for the whole run.
  let loadRunning = true;
  const offlineUsers = new Set<number>();
  const load = (async () => {
    const start = performance.now();
    let n = 0;
    while (loadRunning && !isStopping()) {
      const due = Math.floor(((performance.now() - start) / 1000) * options.rate);
      for (; n < due; n++) {
        const chat = Math.floor(Math.random() * chatCount);
        const candidates = uniqueMembers[chat]!.filter((u) => !offlineUsers.has(u));
        const user = candidates[Math.floor(Math.random() * candidates.length)]!;
        void send(user, chat);
      }
      await sleep(5);
    }
  })();

  /** Every stream has every message answered so far in every chat it belongs to, and no send is waiting. */
  const convergedNow = (targets: number[]) => {
    for (let chat = 0; chat < chatCount; chat++) {
      const target = targets[chat]!;
      if (target === 0) continue;
      for (const user of uniqueMembers[chat]!) if ((contiguous.get(`${user}:${chat}`) ?? 0) < target) return false;
    }
    return true;
  };
  /** Waits until the sends scheduled in `phases` are answered, then until every stream holds everything answered by then. */
  const waitConverged = async (limitMs: number, phases: string[]): Promise<number | null> => {
    const from = performance.now();
    while (phases.some((p) => (outstanding.get(p) ?? 0) > 0)) {
      if (performance.now() - from > limitMs) return null;
      await sleep(20);
    }
    const targets = [...acceptedMax];
    while (performance.now() - from < limitMs) {
      if (convergedNow(targets)) return Math.round(performance.now() - from);
      await sleep(20);
    }
    return null;
  };

  const converged = new Map<FaultName, number | null>();
  const skipped = new Map<FaultName, string>();
  const measure = async (name: FaultName, fault: () => Promise<void>) => {
    phase = name;
    log(`${name}: start`);
    const started = performance.now();
    try {
      await fault();
    } catch (error) {
      skipped.set(name, (error as Error).message.split("\n")[0]!);
      log(`${name}: skipped (${skipped.get(name)})`);
      phase = "settle";
      return;
    }
    const ended = performance.now();
    // Sends scheduled from here on belong to the recovery: counted with the fault, not waited for.
    phase = `${name}+`;
    const ms = await waitConverged(options.convergeLimitSeconds * 1000, [name]);
    converged.set(name, ms);
    log(`${name}: the fault lasted ${((ended - started) / 1000).toFixed(1)} s; converged ${ms === null ? "NOT within the limit" : `${ms} ms after its end`}`);
  };

  /** Counted at the end of the run, when every answered message has had every chance to arrive. */
  const tally = (name: FaultName): FaultResult => {
    const reason = skipped.get(name);
    if (reason) return { skipped: reason };
    const phases = new Set([name, `${name}+`]);
    let count = 0;
    let lost = 0;
    let duplicates = 0;
    for (const [id, message] of sent) {
      if (!phases.has(message.phase)) continue;
      count++;
      let missing = false;
      for (const user of uniqueMembers[message.chat]!) {
        const times = received.get(`${user}:${id}`) ?? 0;
        if (times === 0) missing = true;
        if (times > 1) duplicates += times - 1;
      }
      if (missing) lost++;
    }
    const reordered = reorderedIds.filter((id) => phases.has(sent.get(id)?.phase ?? "")).length;
    const failed = [...phases].reduce((sum, p) => sum + (failedByPhase.get(p) ?? 0), 0);
    const retried = [...phases].reduce((sum, p) => sum + (phaseRetries.get(p) ?? 0), 0);
    return { sent: count, failed, lost, duplicates, reordered, converged_ms: converged.get(name) ?? null, retries: retried };
  };

  const settle = async () => {
    phase = "settle";
    await sleep(options.settleSeconds * 1000);
  };

  const pgVersion = fs.readdirSync("/etc/postgresql")[0];
  const run_ = (command: string, args: string[]) => execFileSync(command, args, { stdio: "pipe", timeout: 60_000 });
  const waitFor = async (check: () => boolean, what: string) => {
    for (let i = 0; i < 600; i++) {
      if (check()) return;
      await sleep(100);
    }
    throw new Error(`${what} did not come back within 60 s`);
  };
  const ok = (command: string, args: string[]) => {
    try {
      run_(command, args);
      return true;
    } catch {
      return false;
    }
  };

  await settle();

  if (options.killInstance) {
    await measure("kill_instance", async () => {
      const victim = instances[0]!;
      instances[0] = null;
      victim.child.kill("SIGKILL");
      await new Promise<void>((resolve) => (victim.child.exitCode !== null || victim.child.signalCode !== null ? resolve() : victim.child.once("exit", () => resolve())));
    });
    // Back to two instances for the next fault.
    const [again] = await startInstances({ count: 1, ports: [ports[0]!], env });
    instances[0] = again!;
    await settle();
  }

  if (options.redisRestart) {
    await measure("redis_restart", async () => {
      run_("redis-cli", ["-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"]);
      await sleep(options.downSeconds * 1000);
      run_("redis-server", ["--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"]);
      await waitFor(() => ok("redis-cli", ["-h", "127.0.0.1", "-p", "6379", "ping"]), "Redis");
    });
    await settle();
  }

  if (options.postgresRestart) {
    await measure("postgres_restart", async () => {
      if (!pgVersion) throw new Error("no cluster under /etc/postgresql");
      run_("pg_ctlcluster", ["--skip-systemctl-redirect", pgVersion, "main", "stop", "--", "-m", "fast"]);
      await sleep(options.downSeconds * 1000);
      run_("pg_ctlcluster", ["--skip-systemctl-redirect", pgVersion, "main", "start"]);
      await waitFor(() => ok("pg_isready", ["-q", "-h", "127.0.0.1", "-p", "5432"]), "PostgreSQL");
    });
    await settle();
  }

  if (options.clientOffline) {
    await measure("client_offline", async () => {
      const client = clients[0]!;
      client.offline = true;
      offlineUsers.add(client.user);
      client.stream?.close();
      client.stream = null;
      const chats = members.map((m, c) => (m.includes(client.user) ? c : -1)).filter((c) => c >= 0);
      // Written while offline: they wait in the outbox and go, in order, when the network is back.
      const queued = Array.from({ length: options.offlineMessages }, (_, i) => chats[i % chats.length]!);
      await sleep(options.offlineSeconds * 1000);
      client.offline = false;
      offlineUsers.delete(client.user);
      await connect(client);
      for (const chat of queued) await send(client.user, chat, { phaseName: "client_offline" });
    });
    await settle();
  }

  if (options.lostResponsesFault) {
    await measure("lost_responses", async () => {
      const sends = Array.from({ length: options.lostResponses }, (_, i) => {
        const chat = (i * 7) % chatCount;
        return send(uniqueMembers[chat]![0]!, chat, { loseFirst: true, phaseName: "lost_responses" });
      });
      await Promise.all(sends);
    });
  }

  await settle();
  loadRunning = false;
  await load;
  // Everything answered has had time to arrive: what is missing now is lost.
  const all = [...new Set([...outstanding.keys()])];
  const finalMs = await waitConverged(options.convergeLimitSeconds * 1000, all);
  log(`load stopped; every stream ${finalMs === null ? "did NOT converge" : `converged ${finalMs} ms later`}`);
  const faults: FaultName[] = ["kill_instance", "redis_restart", "postgres_restart", "client_offline", "lost_responses"];
  const enabled = [options.killInstance, options.redisRestart, options.postgresRestart, options.clientOffline, options.lostResponsesFault];
  const results = Object.fromEntries(faults.filter((_, i) => enabled[i]).map((name) => [name, tally(name)])) as Partial<Record<FaultName, FaultResult>>;
  const reconnects = clients.reduce((sum, c) => sum + c.reconnects, 0);
  console.log("");
  console.log(`messages answered ${sent.size}; streams reconnected ${reconnects} times; sends retried ${retries} times`);
  for (const [i, instance] of instances.entries()) {
    const errors = instance?.errors();
    if (errors && errors.count > 0) console.log(`instance ${i} logged ${errors.count} line(s) on stderr, first: ${errors.first.join(" | ")}`);
  }
  for (const [name, result] of Object.entries(results)) console.log(`${name.padEnd(17)} ${JSON.stringify(result)}`);
  for (const instance of instances) if (instance) await stopInstance(instance);
  await cleanup();
  const pass = Object.values(results).every(
    (r) => "skipped" in r || (r.lost === 0 && r.duplicates === 0 && r.reordered === 0 && r.failed === 0 && r.converged_ms !== null && r.converged_ms <= 10_000),
  );
  console.log(JSON.stringify({ bench: "chaos", instances: 2, users: options.users, rate: options.rate, faults: results, pass }));
}

runBench(main, options.timeLimit * 1000);
