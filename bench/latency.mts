/**
 * Send→deliver latency of the live stream across app instances (issue 3, "Benchmark").
 *
 *   DATABASE_URL=postgres://… REDIS_URL=redis://… npm run bench:latency [-- options]
 *
 * Creates its own database on DATABASE_URL's server (dropped at the end), generates an
 * AUTH_SECRET, starts the app instances on loopback ports 3400–3499, opens one real
 * `/api/stream` per user (spread evenly over the instances) and sends through `message.send`
 * over HTTP. Each (message, recipient) pair is timed from just before the send request to the
 * frame's arrival on the recipient's stream, in this one process.
 *
 * Default workload: 1,000 entity chats of 10 members (every user in 10), each chat's members
 * streaming from one instance and its messages sent through another, so sender and recipients
 * are on different instances; `--rate` msg/s spread uniformly over them plus 1 msg/s in the
 * company chat. `--fanout`: one chat with every user (the company chat); the rate steps up until
 * p99 passes 1 s or deliveries fall behind, and the highest sustained step is reported.
 * Prints figures, never fails on them; the last line is JSON.
 */
import http from "node:http";
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "./lib/args";
import { measureFloor } from "./lib/floor";
import { type Instance, cpuSeconds, cpuSecondsOf, mainThreadProfile, startInstances, stopAll } from "./lib/instances";
import { monotonicUs, summariseProfile } from "./lib/profile";
import { checkStopping, cleanup, onCleanup, runBench } from "./lib/run";
import { type BenchUser, createEntityChats, createScratchDatabase, createUsers, randomSecret } from "./lib/setup";
import { type Frame, type SseStream, inBatches, openSseStream } from "./lib/sse";
import { Histogram, ms, round, sleep, table } from "./lib/stats";

const USAGE = `usage: npm run bench:latency -- [--instances 2] [--users 1000] [--rate 200] [--seconds 20]
       [--fanout [--start-rate 10] [--max-rate 2000] [--step-seconds 5]] [--chat-size 10] [--warmup 0] [--profile]`;

const options = parseArgs(
  {
    instances: 2,
    users: 1000,
    rate: 200,
    seconds: 20,
    chatSize: 10,
    companyRate: 1,
    fanout: false,
    startRate: 10,
    maxRate: 2000,
    stepSeconds: 5,
    /** Sends in flight above this are not started (counted as "skipped": the sender fell behind). */
    maxInFlight: 2000,
    /** Seconds of the same load before measuring (JIT, caches); 0 measures from a cold start. */
    warmup: 0,
    profile: false,
    timeLimit: 900,
  },
  USAGE,
);

type Message = {
  sentAt: number;
  chatIndex: number; // -1: the company chat
  viaInstance: number;
  expected: number;
  delivered: number;
  seen: Uint8Array;
  status: number; // HTTP status of the send, 0 while in flight, -1 on a network error
};

type StepStats = {
  label: string;
  rate: number;
  seconds: number;
  first: number; // first message index of this step
  last: number; // one past the last
  all: Histogram;
  cross: Histogram;
  same: Histogram;
  entity: Histogram;
  company: Histogram;
  sendRtt: Histogram;
  expected: number;
  delivered: number;
  duplicates: number;
  /** Deliveries that arrived within 1 s after the last send of the step. */
  deliveredInTime: number;
  lastDeliveryAt: number;
  /** CPU seconds while sending: every instance together, and this process. */
  cpu: { instances: number; client: number; seconds: number };
  skipped: number;
  windows: Histogram[];
};

const WINDOW_MS = 5_000;

function newStep(label: string, rate: number, seconds: number, first: number): StepStats {
  return {
    label,
    rate,
    seconds,
    first,
    last: first,
    all: new Histogram(),
    cross: new Histogram(),
    same: new Histogram(),
    entity: new Histogram(),
    company: new Histogram(),
    sendRtt: new Histogram(),
    expected: 0,
    delivered: 0,
    duplicates: 0,
    deliveredInTime: 0,
    lastDeliveryAt: 0,
    cpu: { instances: 0, client: 0, seconds: 0 },
    skipped: 0,
    windows: [],
  };
}

async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!databaseUrl || !redisUrl) {
    console.error("bench:latency runs in server mode: set DATABASE_URL (PostgreSQL) and REDIS_URL (Redis).");
    process.exitCode = 2;
    return;
  }
  const { instances: instanceCount, users: userCount, chatSize } = options;
  if (instanceCount < 1 || userCount < instanceCount * chatSize) throw new Error(`need at least ${chatSize} users per instance`);
  const mode = options.fanout ? "fanout" : "default";
  const secret = randomSecret();
  const t0 = performance.now();
  const log = (text: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${text}`);
  const loadAtStart = os.loadavg()[0]!;
  log(`mode ${mode}: ${instanceCount} instances, ${userCount} users, ${os.cpus().length} cores, load average ${loadAtStart.toFixed(2)}`);

  // --- database, users, sessions, chats -------------------------------------------------
  const scratch = await createScratchDatabase(databaseUrl, "floorchat_bench");
  onCleanup(() => scratch.drop(), "after");
  const db = scratch.database.db;
  const users: BenchUser[] = await createUsers(db, userCount, secret);
  const instanceOfUser = (u: number) => u % instanceCount;
  // Default workload: each instance's users form the chats of one "group"; every chat has
  // `chatSize` members from that group, every user is in `chatSize` chats.
  const chatMembers: number[][] = [];
  const chatGroup: number[] = [];
  if (!options.fanout) {
    for (let g = 0; g < instanceCount; g++) {
      const group = users.map((_, u) => u).filter((u) => instanceOfUser(u) === g);
      const step = Math.floor(group.length / chatSize);
      for (let j = 0; j < group.length; j++) {
        chatMembers.push(Array.from({ length: chatSize }, (_, k) => group[(j + k * step) % group.length]!));
        chatGroup.push(g);
      }
    }
  }
  const chatIds = options.fanout ? [] : await createEntityChats(db, chatMembers.map((m) => m.map((u) => users[u]!.id)));
  const [company] = await scratch.database.db.query.chats.findMany({ where: (c, { eq }) => eq(c.kind, "company") });
  const companyId = company!.id;
  log(`database ${scratch.name}: ${userCount} users with sessions, ${chatIds.length} entity chats, company chat`);

  // --- instances ----------------------------------------------------------------------
  const profileDir = options.profile ? fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-prof-")) : undefined;
  const instances: Instance[] = await startInstances({
    count: instanceCount,
    env: { DATABASE_URL: scratch.url, REDIS_URL: redisUrl, AUTH_SECRET: secret, SEED_DEMO: "0" },
    cpuProfileDir: profileDir,
  });
  log(`instances up on ports ${instances.map((i) => i.port).join(", ")} (pids ${instances.map((i) => i.pid).join(", ")})`);

  // One real sign-in over HTTP proves the accounts; the rest use sessions made in the database
  // (sign-in is rate limited to 20/min per address).
  const first = instances[0]!;
  const signIn = await fetch(`http://127.0.0.1:${first.port}/api/auth/sign-in/username`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: `http://127.0.0.1:${first.port}` },
    body: JSON.stringify({ username: users[0]!.username, password: "bench-password-1" }),
  });
  if (signIn.status !== 200) throw new Error(`sign-in over HTTP failed: ${signIn.status} ${await signIn.text()}`);
  users[0]!.cookie = signIn.headers.getSetCookie().map((c) => c.split(";", 1)[0]).join("; ");

  // --- streams ------------------------------------------------------------------------
  const messages: (Message | null)[] = [];
  const RUN = `b${Date.now().toString(36)}-`;
  const frameCounts = new Map<string, number>();
  let lastFrameAt = performance.now();
  let foreign = 0;
  let unexpected = 0;
  const steps: StepStats[] = [];
  const memberOf = (chatIndex: number, u: number) => chatIndex < 0 || chatMembers[chatIndex]!.includes(u);

  const onFrame = (u: number, frame: Frame, arrivedAt: number) => {
    lastFrameAt = arrivedAt;
    frameCounts.set(frame.type, (frameCounts.get(frame.type) ?? 0) + 1);
    if (frame.type !== "message.created") return;
    const at = frame.data.indexOf('"clientId":"');
    const end = frame.data.indexOf('"', at + 12);
    const clientId = at < 0 ? "" : frame.data.slice(at + 12, end);
    if (!clientId.startsWith(RUN)) {
      if (!clientId.startsWith("probe-")) foreign++;
      return;
    }
    const n = Number(clientId.slice(RUN.length));
    const message = messages[n];
    if (!message) return;
    const step = steps.find((s) => n >= s.first && n < s.last);
    if (!memberOf(message.chatIndex, u)) unexpected++;
    if (message.seen.length === 0) return; // a late frame of a finished step
    if (message.seen[u]) {
      if (step) step.duplicates++;
      return;
    }
    message.seen[u] = 1;
    message.delivered++;
    if (!step) return;
    const latency = arrivedAt - message.sentAt;
    step.delivered++;
    step.lastDeliveryAt = arrivedAt;
    if (arrivedAt <= stepEnd(step) + 1_000) step.deliveredInTime++;
    step.all.add(latency);
    (instanceOfUser(u) === message.viaInstance ? step.same : step.cross).add(latency);
    (message.chatIndex < 0 ? step.company : step.entity).add(latency);
    const window = Math.floor((message.sentAt - stepStart(step)) / WINDOW_MS);
    (step.windows[window] ??= new Histogram()).add(latency);
  };
  const stepTimes = new Map<StepStats, { start: number; end: number }>();
  const stepStart = (s: StepStats) => stepTimes.get(s)?.start ?? 0;
  const stepEnd = (s: StepStats) => stepTimes.get(s)?.end ?? Infinity;

  const streams: SseStream[] = [];
  onCleanup(() => streams.forEach((s) => s.close()));
  const connectStarted = performance.now();
  await inBatches(users, 100, async (user, u) => {
    const stream = openSseStream({ port: instances[instanceOfUser(u)]!.port, cookie: user.cookie, onFrame: (f, at) => onFrame(u, f, at) });
    streams[u] = stream;
    await stream.ready;
  });
  const connectMs = performance.now() - connectStarted;
  // Every first connection of a user announces presence to every stream: let that settle.
  const quietDeadline = performance.now() + 120_000;
  while (performance.now() - lastFrameAt < 1_000 && performance.now() < quietDeadline) await sleep(100);
  log(
    `${streams.length} streams ready in ${(connectMs / 1000).toFixed(1)} s; presence frames received while connecting: ${frameCounts.get("presence") ?? 0}`,
  );

  // --- floor --------------------------------------------------------------------------
  const floor = await measureFloor(scratch.url, redisUrl);
  log(`floor: INSERT p50 ${ms(floor.insert.quantile(0.5))} ms, Redis publish→receive p50 ${ms(floor.redis.quantile(0.5))} ms`);

  const agents = instances.map(() => new http.Agent({ keepAlive: true, maxSockets: 64 }));
  onCleanup(() => agents.forEach((a) => a.destroy()));

  // --- one send at a time: what a single message.send costs on an otherwise idle system ------
  const post = (via: number, sender: number, chatId: string, clientId: string, body: string) =>
    new Promise<number>((resolve) => {
      const payload = JSON.stringify({ json: { chatId, clientId, body } });
      const req = http.request(
        {
          host: "127.0.0.1",
          port: instances[via]!.port,
          path: "/api/trpc/message.send",
          method: "POST",
          agent: agents[via],
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), cookie: users[sender]!.cookie },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? -1));
        },
      );
      req.on("error", () => resolve(-1));
      req.end(payload);
    });
  const single = new Histogram();
  const PROBE = 300;
  const PROBE_WARM = 100;
  let probeCpu = { app: 0, pg: 0 };
  for (let i = 0; i < PROBE; i++) {
    checkStopping();
    if (i === PROBE_WARM) probeCpu = { app: cpuSeconds(instances[0]!.pid), pg: cpuSecondsOf("postgres") };
    // Another sender each time: the per-user send limit (10/s) must not interfere.
    const sender = options.fanout ? i % userCount : chatMembers[i % chatMembers.length]![0]!;
    const chatId = options.fanout ? companyId : chatIds[i % chatIds.length]!;
    const started = performance.now();
    const status = await post(0, sender, chatId, `probe-${RUN}${i}`, "How long does one send take?");
    if (status !== 200) {
      const logged = instances.flatMap((instance) => instance.errors().first).join("\n  ");
      throw new Error(`message.send answered ${status} during the single-send probe; the instances logged:\n  ${logged}`);
    }
    if (i >= PROBE_WARM) single.add(performance.now() - started);
  }
  const perSend = (seconds: number) => (1000 * seconds) / (PROBE - PROBE_WARM);
  const singleCpu = { app: perSend(cpuSeconds(instances[0]!.pid) - probeCpu.app), pg: perSend(cpuSecondsOf("postgres") - probeCpu.pg) };
  log(`single sends: round trip p50 ${ms(single.quantile(0.5))} ms; CPU per send: instance ${ms(singleCpu.app)} ms, postgres ${ms(singleCpu.pg)} ms`);
  const quietAgain = performance.now() + 30_000;
  while (performance.now() - lastFrameAt < 500 && performance.now() < quietAgain) await sleep(50);

  // --- load ---------------------------------------------------------------------------
  let inFlight = 0;
  const sendErrors = new Map<string, number>();

  const send = (step: StepStats, chatIndex: number, sender: number, via: number) => {
    if (inFlight >= options.maxInFlight) {
      step.skipped++;
      return;
    }
    const n = messages.length;
    const chatId = chatIndex < 0 ? companyId : chatIds[chatIndex]!;
    const expected = chatIndex < 0 ? userCount : chatMembers[chatIndex]!.length;
    const body = JSON.stringify({ json: { chatId, clientId: `${RUN}${n}`, body: `Pallet ${n} moved to dock ${n % 7}, please check the label` } });
    const message: Message = { sentAt: 0, chatIndex, viaInstance: via, expected, delivered: 0, seen: new Uint8Array(userCount), status: 0 };
    messages.push(message);
    step.last = n + 1;
    step.expected += expected;
    inFlight++;
    message.sentAt = performance.now();
    const req = http.request(
      {
        host: "127.0.0.1",
        port: instances[via]!.port,
        path: "/api/trpc/message.send",
        method: "POST",
        agent: agents[via],
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), cookie: users[sender]!.cookie },
      },
      (res) => {
        res.resume();
        res.on("end", () => {
          inFlight--;
          message.status = res.statusCode ?? -1;
          step.sendRtt.add(performance.now() - message.sentAt);
          if (message.status !== 200) {
            const key = `HTTP ${message.status}`;
            sendErrors.set(key, (sendErrors.get(key) ?? 0) + 1);
          }
        });
      },
    );
    req.on("error", (error) => {
      inFlight--;
      message.status = -1;
      sendErrors.set(error.message, (sendErrors.get(error.message) ?? 0) + 1);
    });
    req.end(body);
  };

  const random = (n: number) => Math.floor(Math.random() * n);
  const other = (instance: number) => (instance + 1) % instanceCount;
  let roundRobin = 0;

  /** Sends at `rate` msg/s for `seconds`, open loop (a slow answer never delays the next send). */
  const runStep = async (step: StepStats) => {
    steps.push(step);
    const instanceCpu = () => instances.reduce((sum, i) => sum + cpuSeconds(i.pid), 0);
    const cpuAtStart = { instances: instanceCpu(), client: cpuSeconds("self") };
    const start = performance.now();
    stepTimes.set(step, { start, end: Infinity });
    let sent = 0;
    let companySent = 0;
    const durationMs = step.seconds * 1000;
    for (;;) {
      const elapsed = performance.now() - start;
      if (elapsed >= durationMs) break;
      const due = Math.floor((elapsed / 1000) * step.rate);
      for (; sent < due; sent++) {
        if (options.fanout) {
          const sender = roundRobin++ % userCount;
          send(step, -1, sender, other(instanceOfUser(sender)));
        } else {
          const chatIndex = random(chatMembers.length);
          const members = chatMembers[chatIndex]!;
          send(step, chatIndex, members[random(members.length)]!, other(chatGroup[chatIndex]!));
        }
      }
      if (!options.fanout && options.companyRate > 0) {
        for (; companySent < Math.floor((elapsed / 1000) * options.companyRate); companySent++) {
          const sender = random(userCount);
          send(step, -1, sender, other(instanceOfUser(sender)));
        }
      }
      checkStopping();
      await sleep(1);
    }
    stepTimes.set(step, { start, end: performance.now() });
    step.cpu = { instances: instanceCpu() - cpuAtStart.instances, client: cpuSeconds("self") - cpuAtStart.client, seconds: (performance.now() - start) / 1000 };
    // Drain: wait for every delivery, or until nothing has arrived for 5 s (bounded).
    const drainDeadline = performance.now() + 60_000;
    while (performance.now() < drainDeadline) {
      const pending = inFlight > 0 || step.delivered < expectedOf(step);
      if (!pending || (inFlight === 0 && performance.now() - lastFrameAt > 5_000)) break;
      checkStopping();
      await sleep(20);
    }
  };
  /** Deliveries per second per instance, over the time they actually took (an overloaded run spills past its seconds). */
  const deliveryRate = (step: StepStats) =>
    step.delivered / Math.max(step.seconds, (step.lastDeliveryAt - stepStart(step)) / 1000) / instanceCount;
  /** Expected deliveries counting only messages the server accepted. */
  const expectedOf = (step: StepStats) => {
    let total = 0;
    for (let n = step.first; n < step.last; n++) if (messages[n]!.status === 200) total += messages[n]!.expected;
    return total;
  };
  const acceptedOf = (step: StepStats) => {
    let total = 0;
    for (let n = step.first; n < step.last; n++) if (messages[n]!.status === 200) total++;
    return total;
  };

  if (!options.fanout && options.warmup > 0) {
    log(`warm-up: ${options.warmup} s at the same rate, not measured`);
    await runStep(newStep("warm-up", options.rate, options.warmup, messages.length));
  }
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const pids = instances.map((i) => i.pid);
  const cpuBefore = { instances: pids.map((pid) => cpuSeconds(pid)), client: cpuSeconds("self"), pg: cpuSecondsOf("postgres"), redis: cpuSecondsOf("redis-server") };
  const loadStart = performance.now();
  const loadStartUs = monotonicUs();

  let reported: StepStats;
  if (!options.fanout) {
    const step = newStep("default", options.rate, options.seconds, messages.length);
    log(`sending ${options.rate} msg/s over ${chatIds.length} entity chats + ${options.companyRate} msg/s in the company chat for ${options.seconds} s`);
    await runStep(step);
    reported = step;
  } else {
    let rate = options.startRate;
    let best: StepStats | null = null;
    for (let i = 0; i < 30 && rate <= options.maxRate; i++) {
      const step = newStep(`step ${i + 1}`, rate, options.stepSeconds, messages.length);
      await runStep(step);
      // Release the per-message bookkeeping of finished steps.
      for (let n = step.first; n < step.last; n++) messages[n]!.seen = new Uint8Array(0);
      const verdict = sustained(step);
      log(
        `rate ${rate} msg/s: ${round(deliveryRate(step), 0)} deliveries/s per instance, p99 ${ms(step.all.quantile(0.99))} ms${verdict ? "" : " — not sustained"}`,
      );
      if (!verdict) break;
      best = step;
      rate = Math.round(rate * 1.5);
    }
    reported = best ?? steps[0]!;
  }
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const loadWindow = { fromUs: loadStartUs, toUs: monotonicUs() };
  loop.disable();
  const cpu = (before: number, after: number) => `${Math.round((100 * (after - before)) / loadSeconds)}%`;
  const cpuRow = [
    ...pids.map((pid, i) => [`instance ${i} (pid ${pid})`, cpu(cpuBefore.instances[i]!, cpuSeconds(pid))]),
    ["bench client (this process)", cpu(cpuBefore.client, cpuSeconds("self"))],
    ["postgres (all backends, machine-wide)", cpu(cpuBefore.pg, cpuSecondsOf("postgres"))],
    ["redis-server (machine-wide)", cpu(cpuBefore.redis, cpuSecondsOf("redis-server"))],
  ];

  function sustained(step: StepStats): boolean {
    const accepted = acceptedOf(step);
    const expected = expectedOf(step);
    return (
      step.skipped === 0 &&
      accepted >= 0.99 * (step.last - step.first) &&
      accepted >= 0.95 * step.rate * step.seconds &&
      step.all.quantile(0.99) <= 1_000 &&
      step.deliveredInTime >= 0.999 * expected
    );
  }

  // --- report -------------------------------------------------------------------------
  const printStep = (step: StepStats) => {
    const expected = expectedOf(step);
    const rows: (string | number)[][] = [["pairs", "deliveries", "p50 ms", "p90 ms", "p99 ms", "max ms"]];
    const add = (label: string, h: Histogram) => {
      if (h.count > 0) rows.push([label, h.count, ms(h.quantile(0.5)), ms(h.quantile(0.9)), ms(h.quantile(0.99)), ms(h.max)]);
    };
    add("all", step.all);
    add("entity chats", step.entity);
    add("company chat", step.company);
    add("sender's instance ≠ recipient's", step.cross);
    add("sender's instance = recipient's", step.same);
    add("(send request round trip)", step.sendRtt);
    console.log(table(rows));
    console.log(
      `messages sent ${step.last - step.first}, accepted ${acceptedOf(step)}, skipped (sender behind) ${step.skipped}; ` +
        `expected deliveries ${expected}, delivered ${step.delivered}, lost ${Math.max(0, expected - step.delivered)}, duplicates ${step.duplicates}; ` +
        `last delivery ${((step.lastDeliveryAt - stepStart(step)) / 1000).toFixed(1)} s after the first send (sending lasted ${step.seconds} s), ` +
        `${round(deliveryRate(step) * instanceCount, 0)} deliveries/s in all, ${round(deliveryRate(step), 0)} per instance`,
    );
  };

  console.log("");
  console.log(`== Floorchat bench:latency — ${mode}, ${instanceCount} instances, ${userCount} users (one stream each), ${os.cpus().length} cores`);
  console.log(
    options.fanout
      ? "one chat with every user (company chat); rate stepped ×1.5"
      : `${chatIds.length} entity chats × ${chatSize} members (members on one instance, sends through another) + company chat; ${options.rate} + ${options.companyRate} msg/s for ${options.seconds} s`,
  );
  console.log("");
  console.log(
    table([
      ["floor (idle, bare)", "p50 ms", "p99 ms", "max ms"],
      ["single-row INSERT", ms(floor.insert.quantile(0.5)), ms(floor.insert.quantile(0.99)), ms(floor.insert.max)],
      ["Redis publish→receive", ms(floor.redis.quantile(0.5)), ms(floor.redis.quantile(0.99)), ms(floor.redis.max)],
      ["INSERT + publish→receive", ms(floor.sum.quantile(0.5)), ms(floor.sum.quantile(0.99)), ms(floor.sum.max)],
      ["message.send, one at a time (idle)", ms(single.quantile(0.5)), ms(single.quantile(0.99)), ms(single.max)],
    ]),
  );
  console.log(
    `one message.send costs ${ms(singleCpu.app)} ms of CPU on the instance it goes through + ${ms(singleCpu.pg)} ms of PostgreSQL CPU, ` +
      `its fan-out included (${PROBE - PROBE_WARM} sequential sends after ${PROBE_WARM} warm-up; postgres machine-wide)`,
  );
  console.log("");
  if (options.fanout) {
    console.log(
      table([
        ["step", "msg/s", "accepted", "expected", "delivered", "dup", "deliv/s per inst", "p50 ms", "p99 ms", "max ms", "send p50 ms", "inst CPU", "client CPU", "sustained"],
        ...steps.map((s) => [
          s.label,
          s.rate,
          acceptedOf(s),
          expectedOf(s),
          s.delivered,
          s.duplicates,
          round(deliveryRate(s), 0),
          ms(s.all.quantile(0.5)),
          ms(s.all.quantile(0.99)),
          ms(s.all.max),
          ms(s.sendRtt.quantile(0.5)),
          `${Math.round((100 * s.cpu.instances) / s.cpu.seconds / instanceCount)}%`,
          `${Math.round((100 * s.cpu.client) / s.cpu.seconds)}%`,
          sustained(s) ? "yes" : "no",
        ]),
      ]),
    );
    console.log("");
    console.log(`highest sustained step (${reported.rate} msg/s):`);
  } else {
    const windows = reported.windows.map((h, i) => [`${(i * WINDOW_MS) / 1000}–${((i + 1) * WINDOW_MS) / 1000} s`, h.count, ms(h.quantile(0.5)), ms(h.quantile(0.99)), ms(h.max)]);
    console.log(table([["sent during", "deliveries", "p50 ms", "p99 ms", "max ms"], ...windows]));
    console.log("");
  }
  printStep(reported);
  console.log("");
  console.log(table([["CPU during the load (% of one core)", "share"], ...cpuRow]));
  console.log(
    `bench client event-loop delay p99 ${ms(loop.percentile(99) / 1e6)} ms, max ${ms(loop.max / 1e6)} ms; frames received: ${[...frameCounts].map(([k, v]) => `${k} ${v}`).join(", ")}`,
  );
  console.log(
    `machine load average (1 min) at start ${loadAtStart.toFixed(2)}, at the end ${os.loadavg()[0]!.toFixed(2)} — ` +
      `everything shares ${os.cpus().length} cores; other work on the machine skews the figures`,
  );
  if (foreign > 0) console.log(`${foreign} message frames of other runs arrived (another deployment on the same Redis?)`);
  if (unexpected > 0) console.log(`!! ${unexpected} deliveries to users outside the chat`);
  if (sendErrors.size > 0) console.log(`send errors: ${[...sendErrors].map(([k, v]) => `${k} ×${v}`).join(", ")}`);
  for (const instance of instances) {
    const { count, first } = instance.errors();
    if (count > 0) console.log(`instance ${instance.index} logged ${count} error lines, first:\n  ${first.join("\n  ")}`);
  }

  const expected = expectedOf(reported);
  const perInstance = deliveryRate(reported);
  const result = {
    bench: "latency",
    mode,
    instances: instanceCount,
    users: userCount,
    rate: reported.rate,
    deliveries_per_s: round(perInstance, 0),
    expected,
    delivered: reported.delivered,
    duplicates: reported.duplicates,
    p50_ms: round(reported.all.quantile(0.5)),
    p99_ms: round(reported.all.quantile(0.99)),
    max_ms: round(reported.all.max),
    floor_p50_ms: round(floor.sum.quantile(0.5)),
    floor_p99_ms: round(floor.sum.quantile(0.99)),
  };

  if (profileDir) {
    streams.forEach((s) => s.close());
    await stopAll();
    const file = mainThreadProfile(profileDir, 0);
    if (file) {
      console.log("");
      console.log(`CPU profile of instance 0: ${file}`);
      console.log(summariseProfile(file, 30, loadWindow));
    } else {
      console.log(`no CPU profile was written in ${profileDir}`);
    }
  }
  await cleanup();
  console.log("deliveries_per_s in the JSON line is per instance (all instances: multiply by instances).");
  console.log(JSON.stringify(result));
}

runBench(main, options.timeLimit * 1000);
