/**
 * bench:latency's modes: the default run (one measured step after its warm-up), --sweep (rates
 * stepped up until a step does not hold), --fanout (the company chat, rate ×1.5 until it is not
 * sustained) and the floor (the same client, workload and rate against bare servers). The load
 * window measures CPU and event-loop delay over the measured load only, the floor excluded.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import { floorCookie, startFloor } from "./floor";
import { type Instance, cpuSeconds, cpuSecondsOf, stopInstance } from "./instances";
import { type Probe, describeProbe, probeSends } from "./latency-probe";
import { type LatencyWorkload, type StepStats, type Target, newStep, newTarget } from "./latency-workload";
import { monotonicUs } from "./profile";
import { ms, round } from "./stats";

export type Sweep = { steps: StepStats[]; best: StepStats | null };

/** What the mode measured: the step the report is about, and the sweep's steps when it swept. */
export type ModeResult = { reported: StepStats; sweepSteps: StepStats[]; sweepBest: StepStats | null };

/** The floor's figures; all null when it did not run (--fanout or --no-floor). */
export type FloorResult = { single: Probe | null; step: StepStats | null; sweep: Sweep | null };

/** The sweep's rates: the steps, then ×1.4 until something gives. */
export function sweepRate(i: number): number {
  const listed = [50, 100, 200, 400, 700, 1000, 1400, 2000];
  return listed[i] ?? Math.round(2000 * 1.4 ** (i - listed.length + 1));
}

/** CPU of every process involved and this process's event-loop delay, from `start()` to `stop()`. */
export class LoadWindow {
  readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private cpuBefore: { instances: number[]; client: number; pg: number; redis: number };
  private loadStart = 0;
  private loadStartUs = 0;

  constructor(private readonly pids: number[]) {
    this.cpuBefore = { instances: pids.map(() => 0), client: 0, pg: 0, redis: 0 };
  }

  start(): void {
    this.loop.enable();
    this.cpuBefore = {
      instances: this.pids.map((pid) => cpuSeconds(pid)),
      client: cpuSeconds("self"),
      pg: cpuSecondsOf("postgres"),
      redis: cpuSecondsOf("redis-server"),
    };
    this.loadStart = performance.now();
    this.loadStartUs = monotonicUs();
  }

  /** Ends the window: its span (for the CPU profile) and each process's share of one core. */
  stop(): { window: { fromUs: number; toUs: number }; cpuRow: string[][] } {
    const loadSeconds = (performance.now() - this.loadStart) / 1000;
    const window = { fromUs: this.loadStartUs, toUs: monotonicUs() };
    this.loop.disable();
    const { cpuBefore } = this;
    const cpu = (before: number, after: number) => `${Math.round((100 * (after - before)) / loadSeconds)}%`;
    const cpuRow = [
      ...this.pids.map((pid, i) => [`instance ${i} (pid ${pid})`, cpu(cpuBefore.instances[i]!, cpuSeconds(pid))]),
      ["bench client (this process)", cpu(cpuBefore.client, cpuSeconds("self"))],
      ["postgres (all backends, machine-wide)", cpu(cpuBefore.pg, cpuSecondsOf("postgres"))],
      ["redis-server (machine-wide)", cpu(cpuBefore.redis, cpuSecondsOf("redis-server"))],
    ];
    return { window, cpuRow };
  }
}

/** Steps the rate up (sweepRate) on the target until a step does not hold. */
export async function sweep(workload: LatencyWorkload, target: Target, log: (text: string) => void): Promise<Sweep> {
  const { options } = workload;
  const measured: StepStats[] = [];
  let best: StepStats | null = null;
  for (let i = 0; i < 30; i++) {
    const rate = sweepRate(i);
    const step = await workload.warmAndMeasure(`${target.name} ${rate} msg/s`, rate, options.stepSeconds, target);
    measured.push(step);
    const ok = workload.held(step, options.p99Target);
    log(
      `${target.name} at ${rate} msg/s: p50 ${ms(step.all.quantile(0.5))} ms, p99 ${ms(step.all.quantile(0.99))} ms, ` +
        `skipped ${step.skipped}, failed ${step.failed}, lost ${workload.lostOf(step)}, duplicates ${step.duplicates}${ok ? "" : " — did not hold"}`,
    );
    if (!ok) break;
    best = step;
    await workload.waitQuiet(500, 30_000);
  }
  return { steps: measured, best };
}

/** Runs the chosen mode on the app; the load window opens once its warm-up (if any) is over. */
export async function runMode(workload: LatencyWorkload, app: Target, loadWindow: LoadWindow, log: (text: string) => void): Promise<ModeResult> {
  const { options } = workload;
  let reported: StepStats;
  let sweepBest: StepStats | null = null;
  let sweepSteps: StepStats[] = [];
  if (options.sweep) {
    loadWindow.start();
    ({ steps: sweepSteps, best: sweepBest } = await sweep(workload, app, log));
    reported = sweepBest ?? sweepSteps[0]!;
  } else if (!options.fanout) {
    log(
      `sending ${options.rate} msg/s over ${workload.chats.chatIds.length} entity chats + ${options.companyRate} msg/s in the company chat for ${options.seconds} s`,
    );
    if (options.warmup > 0) {
      log(`warm-up: ${options.warmup} s at the same rate, not measured`);
      await workload.runStep(newStep("warm-up", options.rate, options.warmup, workload.messages.length), app);
      await workload.waitQuiet(500, 30_000);
    }
    loadWindow.start();
    const step = newStep("default", options.rate, options.seconds, workload.messages.length);
    await workload.runStep(step, app);
    reported = step;
  } else {
    loadWindow.start();
    let rate = options.startRate;
    let best: StepStats | null = null;
    for (let i = 0; i < 30 && rate <= options.maxRate; i++) {
      const step = await workload.warmAndMeasure(`step ${i + 1}`, rate, options.stepSeconds, app);
      const verdict = workload.sustained(step);
      log(
        `rate ${rate} msg/s: ${round(workload.deliveryRate(step), 0)} deliveries/s per instance, p99 ${ms(step.all.quantile(0.99))} ms${verdict ? "" : " — not sustained"}`,
      );
      if (!verdict) break;
      best = step;
      rate = Math.round(rate * 1.5);
    }
    reported = best ?? workload.steps.find((s) => !s.label.endsWith("warm-up"))!;
  }
  return { reported, sweepSteps, sweepBest };
}

/**
 * The floor: the same client, workload and rate against bare servers, started now (after the
 * app's load) on the scratch database, and stopped again. Skipped for --fanout and --no-floor.
 */
export async function runFloor(
  workload: LatencyWorkload,
  databaseUrl: string,
  redisUrl: string,
  instances: Instance[],
  log: (text: string) => void,
): Promise<FloorResult> {
  const { options } = workload;
  const result: FloorResult = { single: null, step: null, sweep: null };
  if (options.fanout || !options.floor) return result;
  const floorServers = await startFloor(options.instances, databaseUrl, redisUrl);
  const floor = newTarget(
    "floor",
    floorServers,
    workload.chats.users.map((u) => floorCookie(u.id)),
  );
  const floorStreams = await workload.openStreams(floor);
  log(`floor: ${floorServers.length} bare servers on ports ${floor.ports.join(", ")}, ${floorStreams.length} streams`);
  result.single = await probeSends(workload, floor, instances);
  log(`floor single sends: ${describeProbe(result.single)}`);
  if (options.sweep) result.sweep = await sweep(workload, floor, log);
  else {
    const floorStep = await workload.warmAndMeasure("floor", options.rate, options.seconds, floor);
    result.step = floorStep;
    log(`floor at ${options.rate} msg/s: p50 ${ms(floorStep.all.quantile(0.5))} ms, p99 ${ms(floorStep.all.quantile(0.99))} ms`);
  }
  floorStreams.forEach((s) => s.close());
  await Promise.all(floorServers.map((f) => stopInstance(f)));
  return result;
}
