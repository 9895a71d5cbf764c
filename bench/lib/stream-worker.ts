/**
 * A child process holding a share of a benchmark's streams (bench/connections.mts), so the
 * client side never needs more open files than one process may have. Talks over IPC.
 */
import { type SseStream, inBatches, openSseStream } from "./sse";

export type WorkerRequest =
  | { type: "open"; slots: { port: number; cookie: string }[]; concurrency: number }
  | { type: "stats" }
  | { type: "close" };

export type WorkerReply =
  | { type: "progress"; opened: number }
  | { type: "opened"; opened: number; failed: number; firstError: string; openByPort: Record<number, number> }
  | { type: "stats"; bytes: number; openByPort: Record<number, number> };

const streams: { port: number; stream: SseStream }[] = [];
const reply = (message: WorkerReply) => process.send?.(message);

function openByPort(): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { port, stream } of streams) if (!stream.closed) counts[port] = (counts[port] ?? 0) + 1;
  return counts;
}

async function open(slots: { port: number; cookie: string }[], concurrency: number) {
  let opened = 0;
  let failed = 0;
  let firstError = "";
  await inBatches(slots, concurrency, async ({ port, cookie }) => {
    const stream = openSseStream({ port, cookie, countOnly: true });
    streams.push({ port, stream });
    try {
      await stream.ready;
      opened++;
      if (opened % 1_000 === 0) reply({ type: "progress", opened });
    } catch (error) {
      failed++;
      firstError ||= (error as Error).message;
    }
  });
  reply({ type: "opened", opened, failed, firstError, openByPort: openByPort() });
}

process.on("message", (message: WorkerRequest) => {
  if (message.type === "open") void open(message.slots, message.concurrency);
  else if (message.type === "stats") reply({ type: "stats", bytes: streams.reduce((sum, s) => sum + s.stream.bytes, 0), openByPort: openByPort() });
  else if (message.type === "close") {
    for (const { stream } of streams) stream.close();
    process.exit(0);
  }
});
// The parent went away (crash, Ctrl-C): never linger with thousands of sockets.
process.on("disconnect", () => process.exit(0));
