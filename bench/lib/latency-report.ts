/**
 * bench:latency's report: the tables it prints and its last line, the JSON the issue's figures
 * are read from. Skipped, failed, lost and duplicated sends are always shown, so a run that did
 * not hold cannot pass for one that did.
 */
import os from "node:os";
import { type IntervalHistogram } from "node:perf_hooks";
import { type Instance } from "./instances";
import { type FloorResult, type ModeResult } from "./latency-modes";
import { type Probe, PROBE, PROBE_SENDERS, PROBE_WARM } from "./latency-probe";
import { type LatencyWorkload, type StepStats, DRAIN_MS, WINDOW_MS } from "./latency-workload";
import { type Histogram, ms, round, table } from "./stats";

/** Everything a run measured, gathered for the report. */
export type LatencyOutcome = {
  mode: string;
  loadAtStart: number;
  instances: Instance[];
  single: Probe;
  modes: ModeResult;
  floor: FloorResult;
  /** Each process's share of one core over the measured load (LoadWindow.stop). */
  cpuRow: string[][];
  loop: IntervalHistogram;
};

function printStep(workload: LatencyWorkload, step: StepStats): void {
  const expected = workload.expectedOf(step);
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
    `messages due ${step.last - step.first + step.skipped}, sent ${step.last - step.first}, accepted ${workload.acceptedOf(step)}, ` +
      `skipped (client behind) ${step.skipped}, failed ${step.failed}; ` +
      `expected deliveries ${expected}, delivered ${step.delivered}, lost (not there ${DRAIN_MS / 1000} s after the last send was due) ${workload.lostOf(step)}, duplicates ${step.duplicates}; ` +
      `last delivery ${((step.lastDeliveryAt - workload.stepStart(step)) / 1000).toFixed(1)} s after the first send (sending lasted ${step.seconds} s), ` +
      `${round(workload.deliveryRate(step) * workload.options.instances, 0)} deliveries/s in all, ${round(workload.deliveryRate(step), 0)} per instance`,
  );
}

function probeRow(label: string, probe: Probe): (string | number)[] {
  return [label, ms(probe.rtt.quantile(0.5)), ms(probe.rtt.quantile(0.99)), ms(probe.user + probe.system), ms(probe.user), ms(probe.system), ms(probe.pg)];
}

/** Prints the run's figures: the single-send probe, the step(s), the floor beside the app, CPU. */
export function printReport(workload: LatencyWorkload, outcome: LatencyOutcome): void {
  const { options, steps } = workload;
  const { mode, single, cpuRow, loop, loadAtStart, instances } = outcome;
  const { reported, sweepSteps, sweepBest } = outcome.modes;
  const { single: floorSingle, step: floorStep, sweep: floorSweep } = outcome.floor;
  const instanceCount = options.instances;
  console.log("");
  console.log(`== Floorchat bench:latency — ${mode}, ${instanceCount} instances, ${options.users} users (one stream each), ${os.cpus().length} cores`);
  console.log(
    options.fanout
      ? "one chat with every user (company chat); rate stepped ×1.5"
      : `${workload.chats.chatIds.length} entity chats × ${options.chatSize} members (members on one instance, sends through another) + company chat; ` +
          (options.sweep ? `rate swept, ${options.stepSeconds} s per step` : `${options.rate} + ${options.companyRate} msg/s for ${options.seconds} s`) +
          `; each measured step after ${options.warmup} s of warm-up`,
  );
  console.log("");
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
          workload.acceptedOf(s),
          s.skipped,
          s.failed,
          workload.lostOf(s),
          s.duplicates,
          round(workload.deliveryRate(s), 0),
          ms(s.all.quantile(0.5)),
          ms(s.all.quantile(0.99)),
          ms(s.all.max),
          ms(s.sendRtt.quantile(0.5)),
          `${Math.round((100 * s.cpu.instances) / s.cpu.seconds / instanceCount)}%`,
          `${Math.round((100 * s.cpu.client) / s.cpu.seconds)}%`,
          (options.sweep ? workload.held(s, options.p99Target) : workload.sustained(s)) ? "yes" : "no",
        ]),
      ]),
    );
    console.log("");
    const best = options.sweep ? sweepBest : steps.find((s) => s === reported && workload.sustained(s));
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
  printStep(workload, reported);
  if (floorStep) {
    console.log("");
    console.log(`floor: bare node:http servers, one SQL statement + Redis publish + SSE write, same client and rate:`);
    printStep(workload, floorStep);
    console.log(
      `app ÷ floor: p50 ×${round(reported.all.quantile(0.5) / floorStep.all.quantile(0.5), 1)}, p99 ×${round(reported.all.quantile(0.99) / floorStep.all.quantile(0.99), 1)}`,
    );
  }
  console.log("");
  console.log(table([["CPU during the measured load (% of one core)", "share"], ...cpuRow]));
  console.log(
    `bench client event-loop delay p99 ${ms(loop.percentile(99) / 1e6)} ms, max ${ms(loop.max / 1e6)} ms; frames received: ${[...workload.frameCounts].map(([k, v]) => `${k} ${v}`).join(", ")}`,
  );
  console.log(
    `machine load average (1 min) at start ${loadAtStart.toFixed(2)}, at the end ${os.loadavg()[0]!.toFixed(2)} — ` +
      `everything shares ${os.cpus().length} cores; other work on the machine skews the figures`,
  );
  if (workload.foreign > 0) console.log(`${workload.foreign} message frames of other runs arrived (another deployment on the same Redis?)`);
  if (workload.unexpected > 0) console.log(`!! ${workload.unexpected} deliveries to users outside the chat`);
  const { sendErrors } = workload;
  if (sendErrors.size > 0) console.log(`send errors: ${[...sendErrors].map(([k, v]) => `${k} ×${v}`).join(", ")}`);
  for (const instance of instances) {
    const { count, first } = instance.errors();
    if (count > 0) console.log(`instance ${instance.index} logged ${count} error lines, first:\n  ${first.join("\n  ")}`);
  }
}

/** The last line's object: "latency-sweep" for --sweep, "latency" (with its verdict) otherwise. */
export function resultLine(workload: LatencyWorkload, outcome: LatencyOutcome): Record<string, unknown> {
  const { options } = workload;
  const { mode, single } = outcome;
  const { reported, sweepBest } = outcome.modes;
  const { single: floorSingle, step: floorStep, sweep: floorSweep } = outcome.floor;
  const figures = (step: StepStats) => ({
    sent: step.last - step.first,
    skipped: step.skipped,
    failed: step.failed,
    expected: workload.expectedOf(step),
    delivered: step.delivered,
    lost: workload.lostOf(step),
    duplicates: step.duplicates,
    p50_ms: round(step.all.quantile(0.5)),
    p99_ms: round(step.all.quantile(0.99)),
    max_ms: round(step.all.max),
  });
  const sendCpu = { send_cpu_ms: round(single.user + single.system), ...(floorSingle ? { floor_send_cpu_ms: round(floorSingle.user + floorSingle.system) } : {}) };
  return options.sweep
    ? {
        bench: "latency-sweep",
        instances: options.instances,
        users: options.users,
        sustained_msgs_per_s: sweepBest?.rate ?? 0,
        p50_ms: sweepBest ? round(sweepBest.all.quantile(0.5)) : null,
        p99_ms: sweepBest ? round(sweepBest.all.quantile(0.99)) : null,
        ...(floorSweep ? { floor_sustained_msgs_per_s: floorSweep.best?.rate ?? 0 } : {}),
        ...sendCpu,
      }
    : {
        bench: "latency",
        mode,
        instances: options.instances,
        users: options.users,
        rate: reported.rate,
        warmup_s: options.warmup,
        seconds: reported.seconds,
        deliveries_per_s: round(workload.deliveryRate(reported), 0),
        ...figures(reported),
        ...(floorStep
          ? {
              floor_p50_ms: round(floorStep.all.quantile(0.5)),
              floor_p99_ms: round(floorStep.all.quantile(0.99)),
              floor_skipped: floorStep.skipped,
              floor_failed: floorStep.failed,
              floor_lost: workload.lostOf(floorStep),
            }
          : {}),
        ...sendCpu,
        pass: (options.fanout ? workload.sustained(reported) : workload.held(reported, options.p99Target)) && workload.unexpected === 0,
      };
}
