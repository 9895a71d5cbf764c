import { sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
/**
 * The loop a durable outbox needs (webhook deliveries, SMS): run what is due now, again while
 * anything was taken or a kick came in meanwhile, then sleep until the earliest pending retry
 * (so a retry waits its own delay, not the next poll), with a slow poll as a safety net for
 * work queued by another instance. What is due and how it is sent are the caller's.
 */
export type QueueRunnerOptions = {
  /** Claims and sends what is due now; returns how many it took. */
  runOnce: () => Promise<number>;
  /** When the earliest pending item is due, if any. */
  nextDueAt: () => Promise<Date | null>;
  /** Log prefix, e.g. "[webhooks]". */
  label: string;
};

export function createQueueRunner(options: QueueRunnerOptions) {
  let running: Promise<number> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  let retry: { at: number; timer: NodeJS.Timeout } | null = null;
  let stopped = false;
  const report = (error: unknown) => console.error(options.label, error);

  async function scheduleRetry(): Promise<void> {
    const at = (await options.nextDueAt())?.getTime();
    if (stopped || at === undefined || Number.isNaN(at) || (retry && retry.at <= at)) return;
    if (retry) clearTimeout(retry.timer);
    const handle = setTimeout(() => {
      retry = null;
      void kick().catch(report);
    }, Math.max(0, at - Date.now()));
    handle.unref();
    retry = { at, timer: handle };
  }

  /** Runs now (after a commit that queued something), coalescing calls made while running. */
  function kick(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        let n: number;
        do {
          n = await options.runOnce();
          total += n;
        } while (n > 0);
      } while (again);
      await scheduleRetry();
      return total;
    })().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    kick,
    start: (intervalMs: number) => {
      timer ??= setInterval(() => void kick().catch(report), intervalMs);
      timer.unref();
    },
    stop: async () => {
      stopped = true;
      if (timer) clearInterval(timer);
      if (retry) clearTimeout(retry.timer);
      timer = null;
      retry = null;
      await running;
    },
  };
}

/** The earliest time in a column (a queue's next due item), as a Date; null for no rows. */
export function earliest(column: AnyPgColumn) {
  return sql<Date | null>`min(${column})`.mapWith((v: string | Date | null) => (v === null ? null : new Date(v)));
}
