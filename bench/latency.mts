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
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "./lib/args";
import { type Instance, mainThreadProfile, startInstances, stopAll } from "./lib/instances";
import { LoadWindow, runFloor, runMode } from "./lib/latency-modes";
import { describeProbe, probeSends } from "./lib/latency-probe";
import { printReport, resultLine } from "./lib/latency-report";
import { LatencyWorkload, newTarget } from "./lib/latency-workload";
import { summariseProfile } from "./lib/profile";
import { cleanup, onCleanup, runBench } from "./lib/run";
import { type BenchUser, createEntityChats, createScratchDatabase, createUsers, randomSecret } from "./lib/setup";

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

  const app = newTarget(
    "app",
    instances,
    users.map((u) => u.cookie),
  );

  // --- streams ------------------------------------------------------------------------
  const workload = new LatencyWorkload(options, { users, chatMembers, chatGroup, chatIds, companyId }, log);
  const connectStarted = performance.now();
  const appStreams = await workload.openStreams(app);
  const connectMs = performance.now() - connectStarted;
  // Every first connection of a user announces presence to every stream: let that settle.
  await workload.waitQuiet(1_000, 120_000);
  log(
    `${appStreams.length} streams ready in ${(connectMs / 1000).toFixed(1)} s; presence frames received while connecting: ${workload.frameCounts.get("presence") ?? 0}`,
  );

  // --- one send at a time: what a single message.send costs on an otherwise idle system ------
  const single = await probeSends(workload, app, instances);
  log(`single sends: ${describeProbe(single)}`);
  await workload.waitQuiet(500, 30_000);

  // --- load ---------------------------------------------------------------------------
  const loadWindow = new LoadWindow(instances.map((i) => i.pid));
  const modes = await runMode(workload, app, loadWindow, log);
  const { window, cpuRow } = loadWindow.stop();

  // --- floor: the same client, workload and rate against bare servers -------------------
  const floor = await runFloor(workload, scratch.url, redisUrl, instances, log);

  // --- report -------------------------------------------------------------------------
  const outcome = { mode, loadAtStart, instances, single, modes, floor, cpuRow, loop: loadWindow.loop };
  printReport(workload, outcome);
  const result = resultLine(workload, outcome);

  if (profileDir) {
    appStreams.forEach((s) => s.close());
    await stopAll();
    const file = mainThreadProfile(profileDir, 0);
    if (file) {
      console.log("");
      console.log(`CPU profile of instance 0: ${file}`);
      console.log(summariseProfile(file, 30, window));
    } else {
      console.log(`no CPU profile was written in ${profileDir}`);
    }
  }
  await cleanup();
  if (!options.sweep) console.log("deliveries_per_s in the JSON line is per instance (all instances: multiply by instances).");
  console.log(JSON.stringify(result));
}

runBench(main, options.timeLimit * 1000);
