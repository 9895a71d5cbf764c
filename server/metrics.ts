/**
 * What an operator scrapes at /metrics (Prometheus text format): live streams, sends and their
 * latency, how long events take from publish to this instance's hub, the durable queues
 * (webhooks, push retries, SMS) and the database pool. Counters live in this process; queue
 * depths are read from the database at scrape time, so any instance reports the same figures.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { sql } from "drizzle-orm";
import client from "prom-client";
import type { Database } from "~/db/client";
import { rawRows } from "~/db/client";
import { addressMatcher, normalizeAddress } from "./http/client-address";

function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "floorchat_" });
  return {
    registry,
    sends: new client.Counter({
      name: "floorchat_sends_total",
      help: "message.send calls, by outcome (ok: stored now or a retry's original answered; error: refused or failed)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    sendSeconds: new client.Histogram({
      name: "floorchat_send_duration_seconds",
      help: "Time from a send reaching the service to its answer, publish included",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    deliveryLag: new client.Histogram({
      name: "floorchat_delivery_lag_seconds",
      help: "Time from an event's publish (on any instance) to this instance's hub routing it",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    }),
  };
}

type Metrics = ReturnType<typeof createMetrics>;

// On globalThis: the server bundle and Next's bundles are two copies of this module in one
// process (REST sends run in Next's), and both must count into the same registry.
const key = Symbol.for("floorchat.metrics");
export const metrics: Metrics = ((globalThis as { [key]?: Metrics })[key] ??= createMetrics());

/** Times a send and counts its outcome. */
export async function measureSend<T>(run: () => Promise<T>): Promise<T> {
  const end = metrics.sendSeconds.startTimer();
  let outcome: "ok" | "error" = "error";
  try {
    const value = await run();
    outcome = "ok";
    return value;
  } finally {
    end();
    metrics.sends.inc({ outcome });
  }
}

type QueueRow = {
  webhooks_pending: number;
  webhooks_failed: number;
  push_retries: number;
  push_failing: number;
  sms_queued: number;
  sms_failed: number;
};

/**
 * The gauges read at scrape time: open streams (from the hub), queue depths (one query), the
 * pool (server mode). Registered once per process.
 */
export function registerScrapeGauges(options: { database: Database; openStreams: () => number }): void {
  const { registry } = metrics;
  if (registry.getSingleMetric("floorchat_streams_open")) return;
  new client.Gauge({
    name: "floorchat_streams_open",
    help: "Live event streams held by this instance",
    registers: [registry],
    collect() {
      this.set(options.openStreams());
    },
  });
  const queue = new client.Gauge({
    name: "floorchat_queue_depth",
    help: "Items in a durable queue, by queue and state (pending: waiting to be sent; failed: given up)",
    labelNames: ["queue", "state"] as const,
    registers: [registry],
    async collect() {
      const [row] = await rawRows<QueueRow>(
        options.database.db,
        sql`select
          (select count(*) from webhook_deliveries where state = 'pending')::int as webhooks_pending,
          (select count(*) from webhook_deliveries where state = 'failed' and created_at > now() - interval '1 day')::int as webhooks_failed,
          (select count(*) from push_retries)::int as push_retries,
          (select count(*) from push_subscriptions where failures > 0)::int as push_failing,
          (select count(*) from sms_messages where direction = 'out' and status in ('queued', 'sending') and provider_sid is null)::int as sms_queued,
          (select count(*) from sms_messages where direction = 'out' and status in ('failed', 'undelivered') and created_at > now() - interval '1 day')::int as sms_failed`,
      );
      if (!row) return;
      queue.set({ queue: "webhooks", state: "pending" }, row.webhooks_pending);
      queue.set({ queue: "webhooks", state: "failed" }, row.webhooks_failed);
      queue.set({ queue: "push", state: "pending" }, row.push_retries);
      queue.set({ queue: "push", state: "failed" }, row.push_failing);
      queue.set({ queue: "sms", state: "pending" }, row.sms_queued);
      queue.set({ queue: "sms", state: "failed" }, row.sms_failed);
    },
  });
  const { database } = options;
  if (database.poolStats) {
    new client.Gauge({
      name: "floorchat_db_pool_connections",
      help: "Database pool connections, by state (waiting: requests queued for a connection)",
      labelNames: ["state"] as const,
      registers: [registry],
      collect() {
        const now = database.poolStats!();
        this.set({ state: "total" }, now.total);
        this.set({ state: "idle" }, now.idle);
        this.set({ state: "waiting" }, now.waiting);
      },
    });
  }
}

/**
 * Who may read /metrics: a bearer METRICS_TOKEN, or a client address in METRICS_ALLOW (the
 * address after TRUSTED_PROXIES, as everywhere else). With neither set, loopback only.
 */
export function metricsAccess(config: { token?: string; allow?: readonly string[] }) {
  const allowed = addressMatcher(config.allow ?? ["127.0.0.1", "::1"]);
  const token = config.token ? Buffer.from(`Bearer ${config.token}`) : null;
  return (req: IncomingMessage, clientAddress: string | undefined): boolean => {
    const given = req.headers.authorization;
    if (token && given) {
      const bytes = Buffer.from(given);
      return bytes.length === token.length && timingSafeEqual(bytes, token);
    }
    const address = clientAddress === undefined ? null : normalizeAddress(clientAddress);
    return address !== null && allowed(address);
  };
}

export async function serveMetrics(res: ServerResponse): Promise<void> {
  const text = await metrics.registry.metrics();
  res.writeHead(200, { "Content-Type": metrics.registry.contentType, "Cache-Control": "no-store" });
  res.end(text);
}
