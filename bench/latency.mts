/**
 * Send→deliver latency of the live stream across app instances (issue 3, "Benchmark"; issue 12,
 * "The benchmark must tell the truth").
 *
 *   DATABASE_URL=postgres://… REDIS_URL=redis://… npm run bench:latency [-- options]
 *
 * Creates its own database on DATABASE_URL's server (dropped at the end), generates an
 * AUTH_SECRET, starts what `npm start` runs (the production build, built first if missing) on
 * loopback ports 3400–3499, opens one real `/api/stream` per user (spread evenly over the
 * instances) and sends through `message.send` over HTTP, open loop.
 *
 * Each (message, recipient) pair is timed from the message's SCHEDULED send time (step start +
 * n / rate) to the frame's arrival on the recipient's stream, so a stall of the client or the
 * server shows in the figures instead of delaying the sends behind it (coordinated omission).
 * A send the client could not start (more than --max-in-flight waiting) is "skipped"; a send
 * that did not succeed (429, 5xx, a network error) is "failed"; both are always in the JSON
 * line, and a run with any of them, or with a lost, duplicated or misdelivered frame, or a p99
 * above --p99-target, is `"pass": false`. Every measured step follows --warmup seconds of the
 * same load, not measured.
 *
 * Default workload: 1,000 entity chats of 10 members (every user in 10), each chat's members
 * streaming from one instance and its messages sent through another, so sender and recipients
 * are on different instances; `--rate` msg/s spread uniformly over them plus 1 msg/s in the
 * company chat. The floor runs the same workload at the same rate against bare node:http servers
 * (lib/floor-server.mts: the same single SQL statement, a Redis publish and an SSE write).
 * `--sweep`: the default workload at 50, 100, 200, 400, 700, 1,000, 1,400, 2,000, … msg/s until
 * p99 passes --p99-target or anything is lost, failed or skipped; the last line names the
 * highest rate that held; the floor is swept the same way after it, so the machine's own ceiling
 * is beside ours. Both are first probed with sequential sends for the CPU one send costs. `--fanout`: one chat with every user (the company chat); the rate steps
 * up ×1.5 until p99 passes 1 s or deliveries fall behind, and the highest sustained step is reported.
 * Prints figures, never fails on them; the last line is JSON.
 */
import http from "node:http";
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "./lib/args";
import { floorCookie, startFloor } from "./lib/floor";
import { type Instance, cpuSeconds, cpuSecondsOf, cpuSplit, mainThreadProfile, startInstances, stopAll, stopInstance } from "./lib/instances";
import { monotonicUs, summariseProfile } from "./lib/profile";
import { checkStopping, cleanup, onCleanup, runBench } from "./lib/run";
import { type BenchUser, createEntityChats, createScratchDatabase, createUsers, randomSecret } from "./lib/setup";
import { type Frame, type SseStream, inBatches, openSseStream } from "./lib/sse";
import { Histogram, ms, round, sleep, table } from "./lib/stats";

const USAGE = `usage: npm run bench:latency -- [--instances 2] [--users 1000] [--rate 200] [--seconds 20] [--warmup 5]
       [--sweep [--step-seconds 10]] [--fanout [--start-rate 10] [--max-rate 2000] [--step-seconds 10]]
       [--p99-target 50] [--no-floor] [--chat-size 10] [--max-in-flight 2000] [--profile]`;

const options = parseArgs(
  {
    instances: 2,
    users: 1000,
    rate: 200,
    seconds: 20,
    chatSize: 10,
    companyRate: 1,
    fanout: false,
    sweep: false,
    startRate: 10,
    maxRate: 2000,
    stepSeconds: 10,
    /** Sends in flight above this are not started (counted as "skipped": the client fell behind). */
    maxInFlight: 2000,
    /** Seconds of the same load before each measured step (JIT, caches, pools). */
    warmup: 5,
    /** A step "holds" (and a run passes) only with p99 at or under this many ms. */
    p99Target: 50,
    /** Run the floor (bare servers) at the same rate after the default workload; --no-floor skips it. */
    floor: true,
    profile: false,
    timeLimit: 900,
  },
  USAGE,
  process.argv.slice(2).map((arg) => (arg === "--no-floor" ? "--floor=0" : arg)),
);

/** The sweep's rates: the issue's steps, then ×1.4 until something gives. */
function sweepRate(i: number): number {
  const listed = [50, 100, 200, 400, 700, 1000, 1400, 2000];
  return listed[i] ?? Math.round(2000 * 1.4 ** (i - listed.length + 1));
}

type Message = {
  /** When the send was due (step start + n / rate): latencies are measured from here. */
  scheduledAt: number;
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
  /** How late the client started each send after its scheduled time. */
  lag: Histogram;
  expected: number;
  delivered: number;
  duplicates: number;
  /** Deliveries that arrived within 1 s after the last send of the step. */
  deliveredInTime: number;
  lastDeliveryAt: number;
  /** CPU seconds while sending: every instance together, and this process. */
  cpu: { instances: number; client: number; seconds: number };
  skipped: number;
  /** Sends answered with anything but 200, or with a network error. */
  failed: number;
  windows: Histogram[];
};

/** Where a step's load goes: the app instances or the floor servers, each with its own streams. */
type Target = { name: string; ports: number[]; pids: number[]; agents: http.Agent[]; cookies: string[] };

const WINDOW_MS = 5_000;
const CLIENT_ID = /"clientId":\s*"([^"]*)"/;

/** How long after a step's last send its deliveries are waited for; later ones count as lost. */
const DRAIN_MS = 60_000;

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
    lag: new Histogram(),
    expected: 0,
    delivered: 0,
    duplicates: 0,
    deliveredInTime: 0,
    lastDeliveryAt: 0,
    cpu: { instances: 0, client: 0, seconds: 0 },
    skipped: 0,
    failed: 0,
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
  const mode = options.fanout ? "fanout" : options.sweep ? "sweep" : "default";
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

  const newTarget = (name: string, servers: Instance[], cookies: string[]): Target => {
    const agents = servers.map(() => new http.Agent({ keepAlive: true, maxSockets: 64 }));
    onCleanup(() => agents.forEach((a) => a.destroy()));
    return { name, ports: servers.map((i) => i.port), pids: servers.map((i) => i.pid), agents, cookies };
  };
  const app = newTarget(
    "app",
    instances,
    users.map((u) => u.cookie),
  );

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
    // An event read back from the log (the hub filling a hole) is PostgreSQL's jsonb text: `"clientId": "…"`.
    const clientId = CLIENT_ID.exec(frame.data)?.[1] ?? "";
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
    const latency = arrivedAt - message.scheduledAt;
    step.delivered++;
    step.lastDeliveryAt = arrivedAt;
    if (arrivedAt <= stepEnd(step) + 1_000) step.deliveredInTime++;
    step.all.add(latency);
    (instanceOfUser(u) === message.viaInstance ? step.same : step.cross).add(latency);
    (message.chatIndex < 0 ? step.company : step.entity).add(latency);
    const window = Math.floor((message.scheduledAt - stepStart(step)) / WINDOW_MS);
    (step.windows[window] ??= new Histogram()).add(latency);
  };
  const stepTimes = new Map<StepStats, { start: number; end: number }>();
  const stepStart = (s: StepStats) => stepTimes.get(s)?.start ?? 0;
  const stepEnd = (s: StepStats) => stepTimes.get(s)?.end ?? Infinity;

  /** One stream per user on the target, each user on "their" instance; resolves when all are ready. */
  const openStreams = async (target: Target): Promise<SseStream[]> => {
    const streams: SseStream[] = [];
    onCleanup(() => streams.forEach((s) => s.close()));
    await inBatches(users, 100, async (_user, u) => {
      const stream = openSseStream({ port: target.ports[instanceOfUser(u)]!, cookie: target.cookies[u]!, onFrame: (f, at) => onFrame(u, f, at) });
      streams[u] = stream;
      await stream.ready;
    });
    return streams;
  };
  const waitQuiet = async (quietMs: number, maxMs: number) => {
    const deadline = performance.now() + maxMs;
    while (performance.now() - lastFrameAt < quietMs && performance.now() < deadline) await sleep(50);
  };

  const connectStarted = performance.now();
  const appStreams = await openStreams(app);
  const connectMs = performance.now() - connectStarted;
  // Every first connection of a user announces presence to every stream: let that settle.
  await waitQuiet(1_000, 120_000);
  log(
    `${appStreams.length} streams ready in ${(connectMs / 1000).toFixed(1)} s; presence frames received while connecting: ${frameCounts.get("presence") ?? 0}`,
  );

  // --- one send at a time: what a single message.send costs on an otherwise idle system ------
  const post = (target: Target, via: number, sender: number, chatId: string, clientId: string, body: string) =>
    new Promise<number>((resolve) => {
      const payload = JSON.stringify({ json: { chatId, clientId, body } });
      const req = http.request(
        {
          host: "127.0.0.1",
          port: target.ports[via]!,
          path: "/api/trpc/message.send",
          method: "POST",
          agent: target.agents[via],
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), cookie: target.cookies[sender]! },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? -1));
        },
      );
      req.on("error", () => resolve(-1));
      req.end(payload);
    });
  const PROBE = 600;
  const PROBE_WARM = 100;
  const PROBE_SENDERS = 50;
  type Probe = { rtt: Histogram; user: number; system: number; pg: number };
  /** Sequential sends through the target's first server: round trip and CPU per send. */
  const probeSends = async (target: Target): Promise<Probe> => {
    const pid = target.pids[0]!;
    const rtt = new Histogram();
    let before = { cpu: cpuSplit(pid), pg: 0 };
    for (let i = 0; i < PROBE; i++) {
      checkStopping();
      if (i === PROBE_WARM) before = { cpu: cpuSplit(pid), pg: cpuSecondsOf("postgres") };
      // PROBE_SENDERS senders in turn: each sends at most every PROBE_SENDERS sends, under the
      // per-user limit (10/s), and every session is in the cache after the warm-up, as it is
      // for a person who is chatting; a first request of a session is not "one send".
      const k = i % PROBE_SENDERS;
      const sender = options.fanout ? k : chatMembers[k]![0]!;
      const chatId = options.fanout ? companyId : chatIds[k]!;
      const started = performance.now();
      const status = await post(target, 0, sender, chatId, `probe-${RUN}${target.name}-${i}`, "How long does one send take?");
      if (status !== 200) {
        const logged = instances.flatMap((instance) => instance.errors().first).join("\n  ");
        throw new Error(`message.send answered ${status} on ${target.name} during the single-send probe; the instances logged:\n  ${logged}`);
      }
      if (i >= PROBE_WARM) rtt.add(performance.now() - started);
    }
    const after = { cpu: cpuSplit(pid), pg: cpuSecondsOf("postgres") };
    const perSend = (seconds: number) => (1000 * seconds) / (PROBE - PROBE_WARM);
    return { rtt, user: perSend(after.cpu.user - before.cpu.user), system: perSend(after.cpu.system - before.cpu.system), pg: perSend(after.pg - before.pg) };
  };
  const describeProbe = (probe: Probe) =>
    `round trip p50 ${ms(probe.rtt.quantile(0.5))} ms; CPU per send: server ${ms(probe.user + probe.system)} ms ` +
    `(user ${ms(probe.user)} + kernel ${ms(probe.system)}), postgres ${ms(probe.pg)} ms`;
  const single = await probeSends(app);
  let floorSingle: Probe | null = null;
  log(`single sends: ${describeProbe(single)}`);
  await waitQuiet(500, 30_000);

  // --- load ---------------------------------------------------------------------------
  let inFlight = 0;
  const sendErrors = new Map<string, number>();

  const send = (step: StepStats, target: Target, chatIndex: number, sender: number, via: number, scheduledAt: number) => {
    if (inFlight >= options.maxInFlight) {
      step.skipped++;
      return;
    }
    const n = messages.length;
    const chatId = chatIndex < 0 ? companyId : chatIds[chatIndex]!;
    const expected = chatIndex < 0 ? userCount : chatMembers[chatIndex]!.length;
    const body = JSON.stringify({ json: { chatId, clientId: `${RUN}${n}`, body: `Pallet ${n} moved to dock ${n % 7}, please check the label` } });
    const message: Message = { scheduledAt, chatIndex, viaInstance: via, expected, delivered: 0, seen: new Uint8Array(userCount), status: 0 };
    messages.push(message);
    step.last = n + 1;
    step.expected += expected;
    inFlight++;
    const startedAt = performance.now();
    step.lag.add(startedAt - scheduledAt);
    const failed = (key: string) => {
      step.failed++;
      sendErrors.set(key, (sendErrors.get(key) ?? 0) + 1);
    };
    const req = http.request(
      {
        host: "127.0.0.1",
        port: target.ports[via]!,
        path: "/api/trpc/message.send",
        method: "POST",
        agent: target.agents[via],
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), cookie: target.cookies[sender]! },
      },
      (res) => {
        res.resume();
        res.on("end", () => {
          inFlight--;
          message.status = res.statusCode ?? -1;
          step.sendRtt.add(performance.now() - startedAt);
          if (message.status !== 200) failed(`HTTP ${message.status}`);
        });
      },
    );
    req.on("error", (error) => {
      inFlight--;
      message.status = -1;
      failed(error.message);
    });
    req.end(body);
  };

  const random = (n: number) => Math.floor(Math.random() * n);
  const other = (instance: number) => (instance + 1) % instanceCount;
  let roundRobin = 0;

  /**
   * Sends at `rate` msg/s for `seconds`, open loop: send k is due at start + k / rate whatever
   * happened to the ones before it, and its latencies count from then.
   */
  const runStep = async (step: StepStats, target: Target) => {
    steps.push(step);
    const instanceCpu = () => target.pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    const cpuAtStart = { instances: instanceCpu(), client: cpuSeconds("self") };
    const start = performance.now();
    stepTimes.set(step, { start, end: Infinity });
    let sent = 0;
    let companySent = 0;
    const durationMs = step.seconds * 1000;
    const total = Math.round(step.rate * step.seconds);
    const companyTotal = options.fanout ? 0 : Math.round(options.companyRate * step.seconds);
    while (sent < total || companySent < companyTotal) {
      const elapsed = performance.now() - start;
      const due = Math.min(total, Math.floor((elapsed / 1000) * step.rate) + 1);
      for (; sent < due; sent++) {
        const scheduledAt = start + (sent * 1000) / step.rate;
        if (options.fanout) {
          const sender = roundRobin++ % userCount;
          send(step, target, -1, sender, other(instanceOfUser(sender)), scheduledAt);
        } else {
          const chatIndex = random(chatMembers.length);
          const members = chatMembers[chatIndex]!;
          send(step, target, chatIndex, members[random(members.length)]!, other(chatGroup[chatIndex]!), scheduledAt);
        }
      }
      const companyDue = Math.min(companyTotal, Math.floor((elapsed / 1000) * options.companyRate) + 1);
      for (; companySent < companyDue; companySent++) {
        const sender = random(userCount);
        send(step, target, -1, sender, other(instanceOfUser(sender)), start + (companySent * 1000) / options.companyRate);
      }
      checkStopping();
      if (sent < total || companySent < companyTotal) await sleep(1);
    }
    // The step lasts its full time even when its last send was due earlier.
    const left = start + durationMs - performance.now();
    if (left > 0) await sleep(left);
    stepTimes.set(step, { start, end: performance.now() });
    step.cpu = { instances: instanceCpu() - cpuAtStart.instances, client: cpuSeconds("self") - cpuAtStart.client, seconds: (performance.now() - start) / 1000 };
    // Drain: wait for every delivery, or until nothing has arrived for 5 s (bounded).
    const drainDeadline = performance.now() + DRAIN_MS;
    while (performance.now() < drainDeadline) {
      const pending = inFlight > 0 || step.delivered < expectedOf(step);
      if (!pending || (inFlight === 0 && performance.now() - lastFrameAt > 5_000)) break;
      checkStopping();
      await sleep(20);
    }
    // Release the per-message bookkeeping: later frames of this step count as late, not delivered.
    for (let n = step.first; n < step.last; n++) messages[n]!.seen = new Uint8Array(0);
  };
  /** Deliveries per second per instance, over the time they actually took (an overloaded run spills past its seconds). */
  const deliveryRate = (step: StepStats) =>
    step.delivered / Math.max(step.seconds, (step.lastDeliveryAt - stepStart(step)) / 1000) / instanceCount;
  /** Expected deliveries of the messages the server accepted (the others are counted as failed). */
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
  const lostOf = (step: StepStats) => Math.max(0, expectedOf(step) - step.delivered);
  /** Nothing skipped, failed, lost or duplicated, and p99 within `p99Limit` ms. */
  const held = (step: StepStats, p99Limit: number) =>
    step.skipped === 0 && step.failed === 0 && lostOf(step) === 0 && step.duplicates === 0 && step.delivered > 0 && step.all.quantile(0.99) <= p99Limit;
  /** A warm-up of `seconds` (not reported) and then the measured step, both at `rate`. */
  const warmAndMeasure = async (label: string, rate: number, seconds: number, target: Target): Promise<StepStats> => {
    if (options.warmup > 0) {
      log(`${label}: warm-up ${options.warmup} s at ${rate} msg/s, not measured`);
      await runStep(newStep(`${label} warm-up`, rate, options.warmup, messages.length), target);
      await waitQuiet(500, 30_000);
    }
    const step = newStep(label, rate, seconds, messages.length);
    await runStep(step, target);
    return step;
  };

  const loop = monitorEventLoopDelay({ resolution: 10 });
  const pids = instances.map((i) => i.pid);
  let cpuBefore = { instances: pids.map(() => 0), client: 0, pg: 0, redis: 0 };
  let loadStart = 0;
  let loadStartUs = 0;
  const startLoadWindow = () => {
    loop.enable();
    cpuBefore = { instances: pids.map((pid) => cpuSeconds(pid)), client: cpuSeconds("self"), pg: cpuSecondsOf("postgres"), redis: cpuSecondsOf("redis-server") };
    loadStart = performance.now();
    loadStartUs = monotonicUs();
  };

  let reported: StepStats;
  let floorStep: StepStats | null = null;
  let sweepBest: StepStats | null = null;
  let sweepSteps: StepStats[] = [];
  let floorSweep: { steps: StepStats[]; best: StepStats | null } | null = null;
  /** Steps the rate up (sweepRate) on the target until a step does not hold. */
  const sweep = async (target: Target): Promise<{ steps: StepStats[]; best: StepStats | null }> => {
    const measured: StepStats[] = [];
    let best: StepStats | null = null;
    for (let i = 0; i < 30; i++) {
      const rate = sweepRate(i);
      const step = await warmAndMeasure(`${target.name} ${rate} msg/s`, rate, options.stepSeconds, target);
      measured.push(step);
      const ok = held(step, options.p99Target);
      log(
        `${target.name} at ${rate} msg/s: p50 ${ms(step.all.quantile(0.5))} ms, p99 ${ms(step.all.quantile(0.99))} ms, ` +
          `skipped ${step.skipped}, failed ${step.failed}, lost ${lostOf(step)}, duplicates ${step.duplicates}${ok ? "" : " — did not hold"}`,
      );
      if (!ok) break;
      best = step;
      await waitQuiet(500, 30_000);
    }
    return { steps: measured, best };
  };

  if (options.sweep) {
    startLoadWindow();
    ({ steps: sweepSteps, best: sweepBest } = await sweep(app));
    reported = sweepBest ?? sweepSteps[0]!;
  } else if (!options.fanout) {
    log(`sending ${options.rate} msg/s over ${chatIds.length} entity chats + ${options.companyRate} msg/s in the company chat for ${options.seconds} s`);
    if (options.warmup > 0) {
      log(`warm-up: ${options.warmup} s at the same rate, not measured`);
      await runStep(newStep("warm-up", options.rate, options.warmup, messages.length), app);
      await waitQuiet(500, 30_000);
    }
    startLoadWindow();
    const step = newStep("default", options.rate, options.seconds, messages.length);
    await runStep(step, app);
    reported = step;
  } else {
    startLoadWindow();
    let rate = options.startRate;
    let best: StepStats | null = null;
    for (let i = 0; i < 30 && rate <= options.maxRate; i++) {
      const step = await warmAndMeasure(`step ${i + 1}`, rate, options.stepSeconds, app);
      const verdict = sustained(step);
      log(
        `rate ${rate} msg/s: ${round(deliveryRate(step), 0)} deliveries/s per instance, p99 ${ms(step.all.quantile(0.99))} ms${verdict ? "" : " — not sustained"}`,
      );
      if (!verdict) break;
      best = step;
      rate = Math.round(rate * 1.5);
    }
    reported = best ?? steps.find((s) => !s.label.endsWith("warm-up"))!;
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

  // --- floor: the same client, workload and rate against bare servers -------------------
  if (!options.fanout && options.floor) {
    const floorServers = await startFloor(instanceCount, scratch.url, redisUrl);
    const floor = newTarget(
      "floor",
      floorServers,
      users.map((u) => floorCookie(u.id)),
    );
    const floorStreams = await openStreams(floor);
    log(`floor: ${floorServers.length} bare servers on ports ${floor.ports.join(", ")}, ${floorStreams.length} streams`);
    floorSingle = await probeSends(floor);
    log(`floor single sends: ${describeProbe(floorSingle)}`);
    if (options.sweep) floorSweep = await sweep(floor);
    else {
      floorStep = await warmAndMeasure("floor", options.rate, options.seconds, floor);
      log(`floor at ${options.rate} msg/s: p50 ${ms(floorStep.all.quantile(0.5))} ms, p99 ${ms(floorStep.all.quantile(0.99))} ms`);
    }
    floorStreams.forEach((s) => s.close());
    await Promise.all(floorServers.map((f) => stopInstance(f)));
  }

  function sustained(step: StepStats): boolean {
    const accepted = acceptedOf(step);
    const expected = expectedOf(step);
    return (
      step.skipped === 0 &&
      step.failed === 0 &&
      accepted >= 0.95 * step.rate * step.seconds &&
      step.all.quantile(0.99) <= 1_000 &&
      step.deliveredInTime >= 0.999 * expected
    );
  }

  // --- report -------------------------------------------------------------------------
  const printStep = (step: StepStats) => {
    const expected = expectedOf(step);
    const rows: (string | number)[][] = [["pairs (from the scheduled send time)", "deliveries", "p50 ms", "p90 ms", "p99 ms", "max ms"]];
    const add = (label: string, h: Histogram) => {
      if (h.count > 0) rows.push([label, h.count, ms(h.quantile(0.5)), ms(h.quantile(0.9)), ms(h.quantile(0.99)), ms(h.max)]);
    };
    add("all", step.all);
    add("entity chats", step.entity);
    add("company chat", step.company);
    add("sender's instance ≠ recipient's", step.cross);
    add("sender's instance = recipient's", step.same);
    add("(send request round trip)", step.sendRtt);
    add("(client lag: send started after its time)", step.lag);
    console.log(table(rows));
    console.log(
      `messages due ${step.last - step.first + step.skipped}, sent ${step.last - step.first}, accepted ${acceptedOf(step)}, ` +
        `skipped (client behind) ${step.skipped}, failed ${step.failed}; ` +
        `expected deliveries ${expected}, delivered ${step.delivered}, lost (not there ${DRAIN_MS / 1000} s after the last send was due) ${lostOf(step)}, duplicates ${step.duplicates}; ` +
        `last delivery ${((step.lastDeliveryAt - stepStart(step)) / 1000).toFixed(1)} s after the first send (sending lasted ${step.seconds} s), ` +
        `${round(deliveryRate(step) * instanceCount, 0)} deliveries/s in all, ${round(deliveryRate(step), 0)} per instance`,
    );
  };

  console.log("");
  console.log(`== Floorchat bench:latency — ${mode}, ${instanceCount} instances, ${userCount} users (one stream each), ${os.cpus().length} cores`);
  console.log(
    options.fanout
      ? "one chat with every user (company chat); rate stepped ×1.5"
      : `${chatIds.length} entity chats × ${chatSize} members (members on one instance, sends through another) + company chat; ` +
          (options.sweep ? `rate swept, ${options.stepSeconds} s per step` : `${options.rate} + ${options.companyRate} msg/s for ${options.seconds} s`) +
          `; each measured step after ${options.warmup} s of warm-up`,
  );
  console.log("");
  const probeRow = (label: string, probe: Probe) => [
    label,
    ms(probe.rtt.quantile(0.5)),
    ms(probe.rtt.quantile(0.99)),
    ms(probe.user + probe.system),
    ms(probe.user),
    ms(probe.system),
    ms(probe.pg),
  ];
  console.log(
    table([
      ["one send at a time (idle)", "round trip p50 ms", "p99 ms", "server CPU ms", "user ms", "kernel ms", "postgres CPU ms"],
      probeRow("message.send", single),
      ...(floorSingle ? [probeRow("floor (bare node:http)", floorSingle)] : []),
    ]),
  );
  console.log(
    `CPU per send on the server it goes through, its fan-out to the chat's streams on that server included ` +
      `(${PROBE - PROBE_WARM} sequential sends by ${PROBE_SENDERS} people into their chats after ${PROBE_WARM} warm-up, sessions cached; postgres machine-wide; kernel time includes loopback delivery to the peers)`,
  );
  console.log("");
  if (options.fanout || options.sweep) {
    const measured = options.sweep ? [...sweepSteps, ...(floorSweep?.steps ?? [])] : steps.filter((s) => !s.label.endsWith("warm-up"));
    console.log(
      table([
        ["step", "msg/s", "accepted", "skipped", "failed", "lost", "dup", "deliv/s per inst", "p50 ms", "p99 ms", "max ms", "send p50 ms", "inst CPU", "client CPU", options.sweep ? "held" : "sustained"],
        ...measured.map((s) => [
          s.label,
          s.rate,
          acceptedOf(s),
          s.skipped,
          s.failed,
          lostOf(s),
          s.duplicates,
          round(deliveryRate(s), 0),
          ms(s.all.quantile(0.5)),
          ms(s.all.quantile(0.99)),
          ms(s.all.max),
          ms(s.sendRtt.quantile(0.5)),
          `${Math.round((100 * s.cpu.instances) / s.cpu.seconds / instanceCount)}%`,
          `${Math.round((100 * s.cpu.client) / s.cpu.seconds)}%`,
          (options.sweep ? held(s, options.p99Target) : sustained(s)) ? "yes" : "no",
        ]),
      ]),
    );
    console.log("");
    const best = options.sweep ? sweepBest : steps.find((s) => s === reported && sustained(s));
    if (floorSweep) console.log(`the floor held up to ${floorSweep.best?.rate ?? 0} msg/s (app: ${sweepBest?.rate ?? 0} msg/s)`);
    console.log(
      best
        ? `highest ${options.sweep ? "step that held" : "sustained step"} (${reported.rate} msg/s):`
        : `no step ${options.sweep ? "held" : "was sustained"}; the first one (${reported.rate} msg/s):`,
    );
  } else {
    const windows = reported.windows.map((h, i) => [`${(i * WINDOW_MS) / 1000}–${((i + 1) * WINDOW_MS) / 1000} s`, h.count, ms(h.quantile(0.5)), ms(h.quantile(0.99)), ms(h.max)]);
    console.log(table([["due during", "deliveries", "p50 ms", "p99 ms", "max ms"], ...windows]));
    console.log("");
  }
  printStep(reported);
  if (floorStep) {
    console.log("");
    console.log(`floor: bare node:http servers, one SQL statement + Redis publish + SSE write, same client and rate:`);
    printStep(floorStep);
    console.log(
      `app ÷ floor: p50 ×${round(reported.all.quantile(0.5) / floorStep.all.quantile(0.5), 1)}, p99 ×${round(reported.all.quantile(0.99) / floorStep.all.quantile(0.99), 1)}`,
    );
  }
  console.log("");
  console.log(table([["CPU during the measured load (% of one core)", "share"], ...cpuRow]));
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

  const figures = (step: StepStats) => ({
    sent: step.last - step.first,
    skipped: step.skipped,
    failed: step.failed,
    expected: expectedOf(step),
    delivered: step.delivered,
    lost: lostOf(step),
    duplicates: step.duplicates,
    p50_ms: round(step.all.quantile(0.5)),
    p99_ms: round(step.all.quantile(0.99)),
    max_ms: round(step.all.max),
  });
  const sendCpu = { send_cpu_ms: round(single.user + single.system), ...(floorSingle ? { floor_send_cpu_ms: round(floorSingle.user + floorSingle.system) } : {}) };
  const result = options.sweep
    ? {
        bench: "latency-sweep",
        instances: instanceCount,
        users: userCount,
        sustained_msgs_per_s: sweepBest?.rate ?? 0,
        p50_ms: sweepBest ? round(sweepBest.all.quantile(0.5)) : null,
        p99_ms: sweepBest ? round(sweepBest.all.quantile(0.99)) : null,
        ...(floorSweep ? { floor_sustained_msgs_per_s: floorSweep.best?.rate ?? 0 } : {}),
        ...sendCpu,
      }
    : {
        bench: "latency",
        mode,
        instances: instanceCount,
        users: userCount,
        rate: reported.rate,
        warmup_s: options.warmup,
        seconds: reported.seconds,
        deliveries_per_s: round(deliveryRate(reported), 0),
        ...figures(reported),
        ...(floorStep
          ? { floor_p50_ms: round(floorStep.all.quantile(0.5)), floor_p99_ms: round(floorStep.all.quantile(0.99)), floor_skipped: floorStep.skipped, floor_failed: floorStep.failed, floor_lost: lostOf(floorStep) }
          : {}),
        ...sendCpu,
        pass: (options.fanout ? sustained(reported) : held(reported, options.p99Target)) && unexpected === 0,
      };

  if (profileDir) {
    appStreams.forEach((s) => s.close());
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
  if (!options.sweep) console.log("deliveries_per_s in the JSON line is per instance (all instances: multiply by instances).");
  console.log(JSON.stringify(result));
}

runBench(main, options.timeLimit * 1000);
