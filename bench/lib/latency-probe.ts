/**
 * bench:latency's single-send probe: what one message.send costs on an otherwise idle system,
 * measured with sequential sends before any load, on the app and on the floor alike.
 */
import http from "node:http";
import { type Instance, cpuSecondsOf, cpuSplit } from "./instances";
import { type LatencyWorkload, type Target, sendRequestOptions } from "./latency-workload";
import { checkStopping } from "./run";
import { Histogram, ms } from "./stats";

export const PROBE = 600;
export const PROBE_WARM = 100;
export const PROBE_SENDERS = 50;

export type Probe = { rtt: Histogram; user: number; system: number; pg: number };

function post(target: Target, via: number, sender: number, chatId: string, clientId: string, body: string): Promise<number> {
  return new Promise<number>((resolve) => {
    const payload = JSON.stringify({ json: { chatId, clientId, body } });
    const req = http.request(
      sendRequestOptions(target, via, sender, payload),
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? -1));
      },
    );
    req.on("error", () => resolve(-1));
    req.end(payload);
  });
}

/**
 * Sequential sends through the target's first server: round trip and CPU per send. `instances`
 * are the app's, whose logged errors explain a failed send.
 */
export async function probeSends(workload: LatencyWorkload, target: Target, instances: Instance[]): Promise<Probe> {
  const { chatMembers, chatIds, companyId } = workload.chats;
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
    const sender = workload.options.fanout ? k : chatMembers[k]![0]!;
    const chatId = workload.options.fanout ? companyId : chatIds[k]!;
    const started = performance.now();
    const status = await post(target, 0, sender, chatId, `probe-${workload.run}${target.name}-${i}`, "How long does one send take?");
    if (status !== 200) {
      const logged = instances.flatMap((instance) => instance.errors().first).join("\n  ");
      throw new Error(`message.send answered ${status} on ${target.name} during the single-send probe; the instances logged:\n  ${logged}`);
    }
    if (i >= PROBE_WARM) rtt.add(performance.now() - started);
  }
  const after = { cpu: cpuSplit(pid), pg: cpuSecondsOf("postgres") };
  const perSend = (seconds: number) => (1000 * seconds) / (PROBE - PROBE_WARM);
  return { rtt, user: perSend(after.cpu.user - before.cpu.user), system: perSend(after.cpu.system - before.cpu.system), pg: perSend(after.pg - before.pg) };
}

export function describeProbe(probe: Probe): string {
  return (
    `round trip p50 ${ms(probe.rtt.quantile(0.5))} ms; CPU per send: server ${ms(probe.user + probe.system)} ms ` +
    `(user ${ms(probe.user)} + kernel ${ms(probe.system)}), postgres ${ms(probe.pg)} ms`
  );
}
