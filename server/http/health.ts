import type { Database } from "~/db/client";
import type { Bus } from "~/server/realtime/bus";

/**
 * `ok`; `degraded` when only the bus (Redis) does not answer: the instance still serves, and its
 * streams catch up from the event log once the bus is back, so a load balancer keeps it (every
 * instance shares the one Redis: a 503 would empty the pool at once); `error` (503) when the
 * database does not answer.
 */
export type Health = {
  statusCode: 200 | 503;
  body: { status: "ok" | "degraded" | "error"; db: Database["kind"]; bus: Bus["kind"] | "down"; reason?: string };
};

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function checkHealth(database: Database, bus: Bus, timeoutMs = 2_000): Promise<Health> {
  const body: Pick<Health["body"], "db" | "bus"> = { db: database.kind, bus: bus.kind };
  try {
    await within(database.ping(), timeoutMs, "database");
  } catch (error) {
    // Anyone may call the health check: the cause (host names, driver messages) goes to the log only.
    console.error("[health] database:", (error as Error).message);
    return { statusCode: 503, body: { status: "error", ...body, reason: "database unreachable" } };
  }
  try {
    await within(bus.ping(), timeoutMs, "bus");
  } catch (error) {
    console.error("[health] bus:", (error as Error).message);
    return { statusCode: 200, body: { status: "degraded", ...body, bus: "down", reason: "bus unreachable" } };
  }
  return { statusCode: 200, body: { status: "ok", ...body } };
}
