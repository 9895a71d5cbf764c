/**
 * Memory per live stream (issue 3, "Benchmark"): opens `/api/stream` connections until the
 * target per instance and reads each instance's resident memory (VmRSS of the server process).
 *
 *   npm run bench:connections -- --streams 10000 [--instances 1] [--users 500]
 *
 * Server mode when DATABASE_URL is set (a fresh database on that server, dropped at the end;
 * REDIS_URL used if set); otherwise embedded mode (PGlite in a temporary DATA_DIR, one instance).
 * Streams are spread over `--users` signed-in users (sessions written to the database): every
 * user's first stream announces presence to every open stream, so distinct users cost O(n²)
 * frames while connecting — that is reported, not hidden. Prints figures; the last line is JSON.
 */
import { type ChildProcess, fork } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openPglite } from "~/db/client";
import { parseArgs } from "./lib/args";
import { type Instance, fileLimit, mainThreadProfile, rssKb, startInstances, stopAll } from "./lib/instances";
import { inspectMemory } from "./lib/inspect";
import { heapGrowth, heapSnapshotArgs, readHeapGroups, takeHeapSnapshot } from "./lib/heap";
import { monotonicUs, summariseProfile } from "./lib/profile";
import { checkStopping, cleanup, onCleanup, runBench } from "./lib/run";
import { type BenchUser, createScratchDatabase, createUsers, randomSecret } from "./lib/setup";
import { openSseStream } from "./lib/sse";
import type { WorkerReply, WorkerRequest } from "./lib/stream-worker";
import { round, sleep, table } from "./lib/stats";

/** Streams per client process: well under the usual open-file limit. */
const STREAMS_PER_WORKER = 8_000;

const USAGE = "usage: npm run bench:connections -- [--streams 10000] [--instances 1] [--users 500] [--concurrency 200] [--profile] [--heap] [--gc]";

const options = parseArgs(
  { streams: 10_000, instances: 1, users: 500, concurrency: 200, hold: 5, profile: false, heap: false, gc: false, timeLimit: 900 },
  USAGE,
);

async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  const embedded = !databaseUrl;
  const instanceCount = embedded ? 1 : Math.max(1, options.instances);
  if (embedded && options.instances > 1) console.log("embedded mode (no DATABASE_URL): one instance only");
  const perInstance = options.streams;
  const total = perInstance * instanceCount;
  const userCount = Math.max(1, Math.min(options.users, total));
  const secret = randomSecret();
  const t0 = performance.now();
  const log = (text: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${text}`);

  // Every stream is a socket at both ends; the client side is split over worker processes.
  const clientLimit = fileLimit();
  if (clientLimit < STREAMS_PER_WORKER + 200) log(`!! open-file limit ${clientLimit} < ${STREAMS_PER_WORKER + 200} per client process: raise it (ulimit -n)`);

  // --- database and sessions ----------------------------------------------------------
  let users: BenchUser[];
  let env: Record<string, string>;
  if (embedded) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-conn-"));
    onCleanup(() => fs.rmSync(dataDir, { recursive: true, force: true }), "after");
    const database = await openPglite(dataDir);
    try {
      users = await createUsers(database.db, userCount, secret);
    } finally {
      await database.close();
    }
    env = { DATA_DIR: dataDir, DATABASE_URL: "", REDIS_URL: "", AUTH_SECRET: secret, SEED_DEMO: "0" };
    log(`embedded mode: PGlite in ${dataDir}, in-process bus; ${userCount} users with sessions`);
  } else {
    const scratch = await createScratchDatabase(databaseUrl, "floorchat_conn");
    onCleanup(() => scratch.drop(), "after");
    users = await createUsers(scratch.database.db, userCount, secret);
    env = { DATABASE_URL: scratch.url, REDIS_URL: redisUrl ?? "", AUTH_SECRET: secret, SEED_DEMO: "0" };
    log(`server mode: database ${scratch.name}, bus ${redisUrl ? "Redis" : "in-process"}; ${userCount} users with sessions`);
  }

  // --- instances ----------------------------------------------------------------------
  const profileDir = options.profile ? fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-prof-")) : undefined;
  // --heap: snapshots of instance 0 before and after (V8 runs a full GC first), diffed by constructor.
  const heapDir = options.heap ? fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-heap-")) : undefined;
  if (heapDir) onCleanup(() => fs.rmSync(heapDir, { recursive: true, force: true }), "after");
  const instances: Instance[] = await startInstances({
    count: instanceCount,
    env,
    cpuProfileDir: profileDir,
    nodeArgs: heapDir ? heapSnapshotArgs(heapDir) : [],
    inspect: options.gc,
    maxFiles: perInstance + 1_000,
  });
  for (const instance of instances) {
    const limit = fileLimit(instance.pid);
    if (limit < perInstance + 100) log(`!! instance ${instance.index} may open only ${limit} files (needs ${perInstance + 100})`);
  }
  log(`instances up on ports ${instances.map((i) => i.port).join(", ")} (pids ${instances.map((i) => i.pid).join(", ")})`);

  // Warm the stream path once, so code loaded on first use is part of the baseline.
  for (const instance of instances) {
    const warm = openSseStream({ port: instance.port, cookie: users[0]!.cookie, countOnly: true });
    await warm.ready;
    warm.close();
  }
  await sleep(1_000);
  const heapBefore = heapDir ? readHeapGroups(await takeHeapSnapshot(instances[0]!.pid, heapDir)) : null;
  const baseline = instances.map((i) => rssKb(i.pid).rss);
  // --gc: the instance's own view of its memory, before and after a full GC, over the inspector.
  const memoryOf = (collect: boolean) => Promise.all(instances.map((i) => inspectMemory(i.inspectPort!, collect)));
  const memoryBaseline = options.gc ? await memoryOf(true) : null;
  log(`baseline RSS: ${baseline.map((kb) => `${round(kb / 1024, 1)} MB`).join(", ")}`);

  // --- streams ------------------------------------------------------------------------
  // Stream i goes to instance i mod n as user i mod users; worker processes hold them, so no
  // process needs more open files than it may have.
  const workerCount = Math.ceil(total / STREAMS_PER_WORKER);
  const slots = Array.from({ length: total }, (_, i) => ({ port: instances[i % instanceCount]!.port, cookie: users[i % userCount]!.cookie }));
  const workers = Array.from({ length: workerCount }, () => fork(path.join(import.meta.dirname, "lib", "stream-worker.ts"), [], { stdio: "inherit" }));
  onCleanup(async () => {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.exitCode !== null || worker.signalCode !== null) return resolve();
            worker.once("exit", () => resolve());
            if (worker.connected) worker.send({ type: "close" } satisfies WorkerRequest);
            else worker.kill();
          }),
      ),
    );
  });
  const ask = <T extends WorkerReply["type"]>(worker: ChildProcess, request: WorkerRequest | null, type: T) =>
    new Promise<Extract<WorkerReply, { type: T }>>((resolve, reject) => {
      const onMessage = (message: WorkerReply) => {
        if (message.type !== type) return;
        worker.off("message", onMessage);
        worker.off("exit", onExit);
        resolve(message as Extract<WorkerReply, { type: T }>);
      };
      const onExit = (code: number | null) => reject(new Error(`stream worker exited (${code})`));
      worker.on("message", onMessage);
      worker.once("exit", onExit);
      if (request) worker.send(request);
    });
  const openStart = performance.now();
  const loadStartUs = monotonicUs();
  let progress = 0;
  let nextLog = 2_000;
  for (const worker of workers) {
    worker.on("message", (message: WorkerReply) => {
      if (message.type !== "progress") return;
      progress += 1_000;
      if (progress >= nextLog) {
        log(`${progress} streams open`);
        nextLog += 2_000;
      }
    });
  }
  const share = Math.ceil(total / workerCount);
  const results = await Promise.all(
    workers.map((worker, w) =>
      ask(worker, { type: "open", slots: slots.slice(w * share, (w + 1) * share), concurrency: Math.max(1, Math.round(options.concurrency / workerCount)) }, "opened"),
    ),
  );
  checkStopping();
  const opened = results.reduce((sum, r) => sum + r.opened, 0);
  const failed = results.reduce((sum, r) => sum + r.failed, 0);
  const firstError = results.find((r) => r.firstError)?.firstError ?? "";
  const openSeconds = (performance.now() - openStart) / 1000;
  log(`${opened} streams open, ${failed} failed${failed ? ` (first: ${firstError})` : ""} in ${openSeconds.toFixed(1)} s (${workerCount} client processes)`);

  const stats = async () => {
    const all = await Promise.all(workers.map((worker) => ask(worker, { type: "stats" }, "stats")));
    const openByPort: Record<number, number> = {};
    for (const r of all) for (const [port, n] of Object.entries(r.openByPort)) openByPort[Number(port)] = (openByPort[Number(port)] ?? 0) + n;
    return { bytes: all.reduce((sum, r) => sum + r.bytes, 0), openByPort };
  };
  // Let the presence announcements of the first connections finish, then hold.
  let last = (await stats()).bytes;
  let quietSince = performance.now();
  const quietDeadline = performance.now() + 300_000;
  while (performance.now() - quietSince < 1_000 && performance.now() < quietDeadline) {
    checkStopping();
    await sleep(100);
    const now = (await stats()).bytes;
    if (now !== last) {
      last = now;
      quietSince = performance.now();
    }
  }
  const settledSeconds = (performance.now() - openStart) / 1000;
  await sleep(options.hold * 1000);
  const final = await stats();
  const perInstanceOpen = instances.map((i) => final.openByPort[i.port] ?? 0);
  const perInstanceOpenCount = (index: number) => perInstanceOpen[index]!;
  const alive = perInstanceOpen.reduce((a, b) => a + b, 0);
  const rss = instances.map((i) => rssKb(i.pid));
  const clientRss = workers.reduce((sum, worker) => sum + rssKb(worker.pid!).rss, 0);
  const loadWindow = { fromUs: loadStartUs, toUs: monotonicUs() };
  const bytes = () => final.bytes;
  const receivedMb = bytes() / 1024 / 1024;
  let gcReport = "";
  if (memoryBaseline) {
    const beforeGc = await memoryOf(false);
    const afterGc = await memoryOf(true);
    const mb = (bytes: number) => round(bytes / 1048576, 1);
    const perStream = (after: number, before: number, i: number) => Math.round((after - before) / Math.max(1, perInstanceOpenCount(i)));
    gcReport = table([
      ["instance", "when", "rss MB", "heapTotal MB", "heapUsed MB", "external MB", "rss − heapTotal MB", "heapUsed bytes/stream", "rss bytes/stream"],
      ...instances.flatMap((_, i) =>
        (
          [
            ["baseline, after GC", memoryBaseline[i]!],
            ["streams open", beforeGc[i]!],
            ["streams open, after GC", afterGc[i]!],
          ] as const
        ).map(([when, m]) => [
          i,
          when,
          mb(m.rss),
          mb(m.heapTotal),
          mb(m.heapUsed),
          mb(m.external),
          mb(m.rss - m.heapTotal),
          perStream(m.heapUsed, memoryBaseline[i]!.heapUsed, i),
          perStream(m.rss, memoryBaseline[i]!.rss, i),
        ]),
      ),
    ]);
  }
  let heapReport = "";
  if (heapDir && heapBefore) {
    const after = readHeapGroups(await takeHeapSnapshot(instances[0]!.pid, heapDir));
    const rssAfterGc = rssKb(instances[0]!.pid).rss;
    const streamsOn0 = perInstanceOpenCount(0);
    heapReport = [
      `heap snapshots of instance 0 (after V8's full GC): JS heap ${round(heapBefore.totalBytes / 1048576, 1)} → ${round(after.totalBytes / 1048576, 1)} MB, ` +
        `${Math.round((after.totalBytes - heapBefore.totalBytes) / streamsOn0)} bytes per stream; RSS after that GC ${round(rssAfterGc / 1024, 1)} MB`,
      heapGrowth(heapBefore.groups, after.groups, streamsOn0),
    ].join("\n");
  }

  // --- report -------------------------------------------------------------------------
  console.log("");
  console.log(
    `== Floorchat bench:connections — ${embedded ? "embedded (PGlite, in-process bus)" : `server (PostgreSQL, ${redisUrl ? "Redis" : "in-process bus"})`}, ${instanceCount} instance(s), ${os.cpus().length} cores`,
  );
  console.log(
    `${total} streams over ${userCount} users (${round(total / userCount, 1)} streams per user${userCount < total ? ": users share streams, so only the first stream of each user announces presence" : ""})`,
  );
  console.log("");
  console.log(
    table([
      ["instance", "streams open", "baseline RSS MB", "RSS MB", "peak RSS MB", "KB per stream"],
      ...instances.map((instance, i) => [
        `${i} (pid ${instance.pid})`,
        perInstanceOpen[i]!,
        round(baseline[i]! / 1024, 1),
        round(rss[i]!.rss / 1024, 1),
        round(rss[i]!.peak / 1024, 1),
        round((rss[i]!.rss - baseline[i]!) / Math.max(1, perInstanceOpen[i]!), 1),
      ]),
    ]),
  );
  console.log("");
  console.log(
    `opening took ${openSeconds.toFixed(1)} s (${round(total / openSeconds, 0)} streams/s at ${options.concurrency} in flight), quiet after ${settledSeconds.toFixed(1)} s; ` +
      `${round(receivedMb, 1)} MB of frames received meanwhile; ${alive}/${total} streams still open after ${options.hold} s`,
  );
  console.log(`machine load average (1 min) now ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cores (other work on the machine skews the figures)`);
  console.log(`bench client: ${workerCount} processes holding the streams, ${round(clientRss / 1024, 1)} MB RSS in all`);
  if (heapReport) console.log(`\n${heapReport}`);
  if (gcReport) console.log(`\nprocess.memoryUsage() of each instance (over the inspector; "after GC" = HeapProfiler.collectGarbage):\n${gcReport}`);
  for (const instance of instances) {
    const { count, first } = instance.errors();
    if (count > 0) console.log(`instance ${instance.index} logged ${count} error lines, first:\n  ${first.join("\n  ")}`);
  }

  const result = {
    bench: "connections",
    instances: instanceCount,
    streams_per_instance: Math.round(perInstanceOpen.reduce((a, b) => a + b, 0) / instanceCount),
    rss_mb_per_instance: round(Math.max(...rss.map((r) => r.rss)) / 1024, 1),
    kb_per_stream: round(instances.reduce((sum, _, i) => sum + (rss[i]!.rss - baseline[i]!) / Math.max(1, perInstanceOpen[i]!), 0) / instanceCount, 1),
  };

  if (profileDir) {
    for (const worker of workers) worker.kill();
    await stopAll();
    const file = mainThreadProfile(profileDir, 0);
    if (file) {
      console.log("");
      console.log(`CPU profile of instance 0 while the streams opened: ${file}`);
      console.log(summariseProfile(file, 30, loadWindow));
    }
  }
  await cleanup();
  console.log("rss_mb_per_instance is the largest instance's VmRSS; kb_per_stream is (RSS − baseline) / streams, averaged over instances.");
  console.log(JSON.stringify(result));
}

runBench(main, options.timeLimit * 1000);
