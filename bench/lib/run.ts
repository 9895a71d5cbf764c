/** Lifecycle of a benchmark run: one cleanup for every way it can end, and an overall time limit. */
import { killAllSync, stopAll } from "./instances";

type Task = () => Promise<void> | void;
const before: Task[] = [];
const after: Task[] = [];
let cleaning: Promise<void> | null = null;
let stopping = false;

/**
 * Registers something to undo at the end, newest first. "before" tasks (client streams) run
 * before the app instances stop, "after" tasks (the database, temporary files) once they have.
 */
export function onCleanup(task: Task, when: "before" | "after" = "before"): void {
  (when === "before" ? before : after).unshift(task);
}

/** True once the run is being stopped (signal or time limit): loops should end. */
export function isStopping(): boolean {
  return stopping;
}

/** Throws if the run is being stopped; call it in long loops. */
export function checkStopping(): void {
  if (stopping) throw new Error("stopped");
}

async function runTasks(tasks: Task[]) {
  for (const task of tasks) {
    try {
      await task();
    } catch (error) {
      console.error("[bench] cleanup:", (error as Error).message);
    }
  }
}

export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await runTasks(before);
    await stopAll();
    await runTasks(after);
  })();
  return cleaning;
}

/**
 * Runs `main`, then cleans up whatever happened: error, Ctrl-C, SIGTERM or the time limit.
 * Exits the process at the end (open sockets of a failed run must not keep it alive).
 */
export function runBench(main: () => Promise<void>, timeLimitMs: number): void {
  process.on("exit", killAllSync);
  const stopOn = (signal: NodeJS.Signals) =>
    process.once(signal, () => {
      stopping = true;
      console.error(`[bench] ${signal}: stopping`);
      void cleanup().finally(() => process.exit(130));
    });
  stopOn("SIGINT");
  stopOn("SIGTERM");
  const limit = setTimeout(() => {
    stopping = true;
    console.error(`[bench] time limit of ${timeLimitMs / 1000} s reached: stopping`);
    void cleanup().finally(() => process.exit(1));
  }, timeLimitMs);
  limit.unref();
  main().then(
    // A benchmark that judges its run (bench:fuzz) sets process.exitCode before it returns.
    () => cleanup().finally(() => process.exit(process.exitCode ?? 0)),
    (error: unknown) => {
      if (!stopping) console.error("[bench] failed:", error instanceof Error ? (error.stack ?? error.message) : error);
      void cleanup().finally(() => process.exit(1));
    },
  );
}
