/**
 * A minimal Server-Sent Events reader on node:http, cheap enough for ten thousand streams in one
 * process: no EventSource, no per-frame allocation beyond the frame string.
 */
import http from "node:http";

export type Frame = { id: number | null; type: string; data: string };

export type StreamOptions = {
  port: number;
  cookie: string;
  lastEventId?: number;
  /** Called for every complete frame with the time the chunk holding its end arrived. */
  onFrame?: (frame: Frame, arrivedAt: number) => void;
  /** Skip frame parsing entirely and only count bytes (connection benchmarks). */
  countOnly?: boolean;
  /** Called with every `id:` the stream carries, an id-only frame's included (what a browser keeps as Last-Event-ID). */
  onId?: (id: number) => void;
  /** Called once when the stream ends or fails, unless close() ended it. */
  onClose?: () => void;
};

export type SseStream = {
  /** Resolves with the `ready` event's lastEventId; rejects if the stream fails before it. */
  ready: Promise<number>;
  readonly bytes: number;
  readonly closed: boolean;
  close(): void;
};

/** Parses one frame (`id:`, `event:`, `data:` lines). Comments (`retry:` etc.) yield a null type. */
export function parseFrame(text: string): Frame {
  let id: number | null = null;
  let type = "";
  let data = "";
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const colon = text.indexOf(": ", start);
    if (colon > start && colon < end) {
      const field = text.slice(start, colon);
      const value = text.slice(colon + 2, end);
      if (field === "id") id = Number(value);
      else if (field === "event") type = value;
      else if (field === "data") data = data ? `${data}\n${value}` : value;
    }
    start = end + 1;
  }
  return { id, type, data };
}

const READY_MARK = "event: ready\n";

export function openSseStream(options: StreamOptions): SseStream {
  const headers: Record<string, string> = { cookie: options.cookie, accept: "text/event-stream" };
  if (options.lastEventId !== undefined) headers["last-event-id"] = String(options.lastEventId);
  let bytes = 0;
  let closed = false;
  let resolveReady!: (id: number) => void;
  let rejectReady!: (error: Error) => void;
  let isReady = false;
  const ready = new Promise<number>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  ready.catch(() => {});
  const req = http.get({ host: "127.0.0.1", port: options.port, path: "/api/stream", headers, agent: false }, (res) => {
    if (res.statusCode !== 200) {
      rejectReady(new Error(`stream answered ${res.statusCode}`));
      res.resume();
      return;
    }
    res.setEncoding("utf8");
    let buffer = "";
    res.on("data", (chunk: string) => {
      bytes += chunk.length;
      if (options.countOnly) {
        if (!isReady) {
          buffer += chunk;
          const at = buffer.indexOf(READY_MARK);
          if (at >= 0) {
            const end = buffer.indexOf("\n\n", at);
            if (end >= 0) {
              isReady = true;
              const data = /data: (.*)/.exec(buffer.slice(at, end))?.[1] ?? "{}";
              buffer = "";
              resolveReady((JSON.parse(data) as { lastEventId: number }).lastEventId);
            }
          }
        }
        return;
      }
      const arrivedAt = performance.now();
      buffer += chunk;
      let end: number;
      let start = 0;
      while ((end = buffer.indexOf("\n\n", start)) >= 0) {
        const frame = parseFrame(buffer.slice(start, end));
        start = end + 2;
        if (frame.id !== null) options.onId?.(frame.id);
        if (!frame.type) continue;
        if (frame.type === "ready" && !isReady) {
          isReady = true;
          resolveReady((JSON.parse(frame.data) as { lastEventId: number }).lastEventId);
        }
        options.onFrame?.(frame, arrivedAt);
      }
      if (start > 0) buffer = buffer.slice(start);
    });
    res.on("close", () => ended(new Error("stream closed before ready")));
  });
  req.on("error", (error) => ended(error));
  let endedOnce = false;
  function ended(error: Error) {
    const byUs = closed;
    closed = true;
    if (!isReady) rejectReady(error);
    if (endedOnce || byUs) return;
    endedOnce = true;
    options.onClose?.();
  }
  return {
    ready,
    get bytes() {
      return bytes;
    },
    get closed() {
      return closed;
    },
    close() {
      closed = true;
      req.destroy();
    },
  };
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function inBatches<T, R>(items: T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
