/**
 * bench:latency's workload: the messages it sends open loop through `message.send`, the frames
 * its streams receive, and what each step measured. Each (message, recipient) pair is timed from
 * the message's SCHEDULED send time, so a stall of the client or the server shows in the figures
 * instead of delaying the sends behind it (coordinated omission).
 */
import http from "node:http";
import { type Instance, cpuSeconds } from "./instances";
import { checkStopping, onCleanup } from "./run";
import { type BenchUser } from "./setup";
import { type Frame, type SseStream, inBatches, openSseStream } from "./sse";
import { Histogram, sleep } from "./stats";

/** The options of bench/latency.mts that shape the workload, its modes and its report. */
export type LatencyOptions = {
  instances: number;
  users: number;
  rate: number;
  seconds: number;
  chatSize: number;
  companyRate: number;
  fanout: boolean;
  sweep: boolean;
  startRate: number;
  maxRate: number;
  stepSeconds: number;
  maxInFlight: number;
  warmup: number;
  p99Target: number;
  floor: boolean;
};

/** Who is in which chat, set up in the database before the load (users' indexes, not ids). */
export type LatencyChats = {
  users: BenchUser[];
  chatMembers: number[][];
  /** The instance whose users form each entity chat. */
  chatGroup: number[];
  chatIds: string[];
  companyId: string;
};

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

export type StepStats = {
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
export type Target = { name: string; ports: number[]; pids: number[]; agents: http.Agent[]; cookies: string[] };

export const WINDOW_MS = 5_000;
const CLIENT_ID = /"clientId":\s*"([^"]*)"/;

/** How long after a step's last send its deliveries are waited for; later ones count as lost. */
export const DRAIN_MS = 60_000;

export function newStep(label: string, rate: number, seconds: number, first: number): StepStats {
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

/** A target over `servers`, with keep-alive agents of its own (destroyed at cleanup). */
/** One unbatched `message.send` as the browser's outbox makes it, through instance `via` as user `sender`. */
export function sendRequestOptions(target: Target, via: number, sender: number, payload: string): http.RequestOptions {
  return {
    host: "127.0.0.1",
    port: target.ports[via]!,
    path: "/api/trpc/message.send",
    method: "POST",
    agent: target.agents[via],
    headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), cookie: target.cookies[sender]! },
  };
}

export function newTarget(name: string, servers: Instance[], cookies: string[]): Target {
  const agents = servers.map(() => new http.Agent({ keepAlive: true, maxSockets: 64 }));
  onCleanup(() => agents.forEach((a) => a.destroy()));
  return { name, ports: servers.map((i) => i.port), pids: servers.map((i) => i.pid), agents, cookies };
}

const random = (n: number) => Math.floor(Math.random() * n);

/**
 * The state of one bench:latency run: every message sent (app and floor alike, one numbering so
 * a frame's clientId finds its message), every step, and what arrived that should not have.
 */
export class LatencyWorkload {
  readonly messages: (Message | null)[] = [];
  /** Prefix of this run's clientIds: frames of other runs on the same Redis are told apart by it. */
  readonly run = `b${Date.now().toString(36)}-`;
  readonly frameCounts = new Map<string, number>();
  lastFrameAt = performance.now();
  foreign = 0;
  unexpected = 0;
  readonly steps: StepStats[] = [];
  readonly sendErrors = new Map<string, number>();
  private readonly stepTimes = new Map<StepStats, { start: number; end: number }>();
  private inFlight = 0;
  private roundRobin = 0;

  constructor(
    readonly options: LatencyOptions,
    readonly chats: LatencyChats,
    private readonly log: (text: string) => void,
  ) {}

  /** Users are spread evenly over the instances: user u streams from instance u % instances. */
  instanceOfUser(u: number): number {
    return u % this.options.instances;
  }

  private memberOf(chatIndex: number, u: number): boolean {
    return chatIndex < 0 || this.chats.chatMembers[chatIndex]!.includes(u);
  }

  stepStart(s: StepStats): number {
    return this.stepTimes.get(s)?.start ?? 0;
  }

  private stepEnd(s: StepStats): number {
    return this.stepTimes.get(s)?.end ?? Infinity;
  }

  private onFrame(u: number, frame: Frame, arrivedAt: number): void {
    this.lastFrameAt = arrivedAt;
    this.frameCounts.set(frame.type, (this.frameCounts.get(frame.type) ?? 0) + 1);
    if (frame.type !== "message.created") return;
    // An event read back from the log (the hub filling a hole) is PostgreSQL's jsonb text: `"clientId": "…"`.
    const clientId = CLIENT_ID.exec(frame.data)?.[1] ?? "";
    if (!clientId.startsWith(this.run)) {
      if (!clientId.startsWith("probe-")) this.foreign++;
      return;
    }
    const n = Number(clientId.slice(this.run.length));
    const message = this.messages[n];
    if (!message) return;
    const step = this.steps.find((s) => n >= s.first && n < s.last);
    if (!this.memberOf(message.chatIndex, u)) this.unexpected++;
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
    if (arrivedAt <= this.stepEnd(step) + 1_000) step.deliveredInTime++;
    step.all.add(latency);
    (this.instanceOfUser(u) === message.viaInstance ? step.same : step.cross).add(latency);
    (message.chatIndex < 0 ? step.company : step.entity).add(latency);
    const window = Math.floor((message.scheduledAt - this.stepStart(step)) / WINDOW_MS);
    (step.windows[window] ??= new Histogram()).add(latency);
  }

  /** One stream per user on the target, each user on "their" instance; resolves when all are ready. */
  async openStreams(target: Target): Promise<SseStream[]> {
    const streams: SseStream[] = [];
    onCleanup(() => streams.forEach((s) => s.close()));
    await inBatches(this.chats.users, 100, async (_user, u) => {
      const stream = openSseStream({ port: target.ports[this.instanceOfUser(u)]!, cookie: target.cookies[u]!, onFrame: (f, at) => this.onFrame(u, f, at) });
      streams[u] = stream;
      await stream.ready;
    });
    return streams;
  }

  /** Waits until no frame has arrived for `quietMs`, at most `maxMs`. */
  async waitQuiet(quietMs: number, maxMs: number): Promise<void> {
    const deadline = performance.now() + maxMs;
    while (performance.now() - this.lastFrameAt < quietMs && performance.now() < deadline) await sleep(50);
  }

  private send(step: StepStats, target: Target, chatIndex: number, sender: number, via: number, scheduledAt: number): void {
    const { chatMembers, chatIds, companyId } = this.chats;
    const userCount = this.options.users;
    if (this.inFlight >= this.options.maxInFlight) {
      step.skipped++;
      return;
    }
    const n = this.messages.length;
    const chatId = chatIndex < 0 ? companyId : chatIds[chatIndex]!;
    const expected = chatIndex < 0 ? userCount : chatMembers[chatIndex]!.length;
    const body = JSON.stringify({ json: { chatId, clientId: `${this.run}${n}`, body: `Pallet ${n} moved to dock ${n % 7}, please check the label` } });
    const message: Message = { scheduledAt, chatIndex, viaInstance: via, expected, delivered: 0, seen: new Uint8Array(userCount), status: 0 };
    this.messages.push(message);
    step.last = n + 1;
    step.expected += expected;
    this.inFlight++;
    const startedAt = performance.now();
    step.lag.add(startedAt - scheduledAt);
    const failed = (key: string) => {
      step.failed++;
      this.sendErrors.set(key, (this.sendErrors.get(key) ?? 0) + 1);
    };
    const req = http.request(
      sendRequestOptions(target, via, sender, body),
      (res) => {
        res.resume();
        res.on("end", () => {
          this.inFlight--;
          message.status = res.statusCode ?? -1;
          step.sendRtt.add(performance.now() - startedAt);
          if (message.status !== 200) failed(`HTTP ${message.status}`);
        });
      },
    );
    req.on("error", (error) => {
      this.inFlight--;
      message.status = -1;
      failed(error.message);
    });
    req.end(body);
  }

  /**
   * Sends at `rate` msg/s for `seconds`, open loop: send k is due at start + k / rate whatever
   * happened to the ones before it, and its latencies count from then.
   */
  async runStep(step: StepStats, target: Target): Promise<void> {
    const { options } = this;
    const { chatMembers, chatGroup } = this.chats;
    const userCount = options.users;
    const other = (instance: number) => (instance + 1) % options.instances;
    this.steps.push(step);
    const instanceCpu = () => target.pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
    const cpuAtStart = { instances: instanceCpu(), client: cpuSeconds("self") };
    const start = performance.now();
    this.stepTimes.set(step, { start, end: Infinity });
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
          const sender = this.roundRobin++ % userCount;
          this.send(step, target, -1, sender, other(this.instanceOfUser(sender)), scheduledAt);
        } else {
          const chatIndex = random(chatMembers.length);
          const members = chatMembers[chatIndex]!;
          this.send(step, target, chatIndex, members[random(members.length)]!, other(chatGroup[chatIndex]!), scheduledAt);
        }
      }
      const companyDue = Math.min(companyTotal, Math.floor((elapsed / 1000) * options.companyRate) + 1);
      for (; companySent < companyDue; companySent++) {
        const sender = random(userCount);
        this.send(step, target, -1, sender, other(this.instanceOfUser(sender)), start + (companySent * 1000) / options.companyRate);
      }
      checkStopping();
      if (sent < total || companySent < companyTotal) await sleep(1);
    }
    // The step lasts its full time even when its last send was due earlier.
    const left = start + durationMs - performance.now();
    if (left > 0) await sleep(left);
    this.stepTimes.set(step, { start, end: performance.now() });
    step.cpu = { instances: instanceCpu() - cpuAtStart.instances, client: cpuSeconds("self") - cpuAtStart.client, seconds: (performance.now() - start) / 1000 };
    // Drain: wait for every delivery, or until nothing has arrived for 5 s (bounded).
    const drainDeadline = performance.now() + DRAIN_MS;
    while (performance.now() < drainDeadline) {
      const pending = this.inFlight > 0 || step.delivered < this.expectedOf(step);
      if (!pending || (this.inFlight === 0 && performance.now() - this.lastFrameAt > 5_000)) break;
      checkStopping();
      await sleep(20);
    }
    // Release the per-message bookkeeping: later frames of this step count as late, not delivered.
    for (let n = step.first; n < step.last; n++) this.messages[n]!.seen = new Uint8Array(0);
  }

  /** A warm-up of `seconds` (not reported) and then the measured step, both at `rate`. */
  async warmAndMeasure(label: string, rate: number, seconds: number, target: Target): Promise<StepStats> {
    if (this.options.warmup > 0) {
      this.log(`${label}: warm-up ${this.options.warmup} s at ${rate} msg/s, not measured`);
      await this.runStep(newStep(`${label} warm-up`, rate, this.options.warmup, this.messages.length), target);
      await this.waitQuiet(500, 30_000);
    }
    const step = newStep(label, rate, seconds, this.messages.length);
    await this.runStep(step, target);
    return step;
  }

  /** Deliveries per second per instance, over the time they actually took (an overloaded run spills past its seconds). */
  deliveryRate(step: StepStats): number {
    return step.delivered / Math.max(step.seconds, (step.lastDeliveryAt - this.stepStart(step)) / 1000) / this.options.instances;
  }

  /** Expected deliveries of the messages the server accepted (the others are counted as failed). */
  expectedOf(step: StepStats): number {
    let total = 0;
    for (let n = step.first; n < step.last; n++) if (this.messages[n]!.status === 200) total += this.messages[n]!.expected;
    return total;
  }

  acceptedOf(step: StepStats): number {
    let total = 0;
    for (let n = step.first; n < step.last; n++) if (this.messages[n]!.status === 200) total++;
    return total;
  }

  lostOf(step: StepStats): number {
    return Math.max(0, this.expectedOf(step) - step.delivered);
  }

  /** Nothing skipped, failed, lost or duplicated, and p99 within `p99Limit` ms. */
  held(step: StepStats, p99Limit: number): boolean {
    return (
      step.skipped === 0 && step.failed === 0 && this.lostOf(step) === 0 && step.duplicates === 0 && step.delivered > 0 && step.all.quantile(0.99) <= p99Limit
    );
  }

  /** --fanout's verdict: everything sent and accepted, p99 within 1 s, and deliveries kept up. */
  sustained(step: StepStats): boolean {
    const accepted = this.acceptedOf(step);
    const expected = this.expectedOf(step);
    return (
      step.skipped === 0 &&
      step.failed === 0 &&
      accepted >= 0.95 * step.rate * step.seconds &&
      step.all.quantile(0.99) <= 1_000 &&
      step.deliveredInTime >= 0.999 * expected
    );
  }
}
