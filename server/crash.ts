/**
 * A process that hit an error nobody handled is in a state nobody designed: a half-written
 * stream, a lock never released, a cache out of step. It logs what happened and exits non-zero,
 * and the supervisor (systemd `Restart=always`, a container's restart policy; README) starts a
 * clean one. Next.js only logs unhandled rejections and carries on; we do not.
 */
export function installCrashHandlers(exit: (code: number) => void = (code) => process.exit(code)): void {
  let crashing = false;
  const crash = (kind: string, error: unknown) => {
    // One report: a second failure while exiting would only bury the first.
    if (crashing) return;
    crashing = true;
    const detail = error instanceof Error ? (error.stack ?? error.message) : JSON.stringify(error);
    console.error(`[floorchat] ${kind} (pid ${process.pid}, up ${Math.round(process.uptime())} s); exiting so a supervisor restarts a clean process:\n${detail}`);
    exit(1);
  };
  process.on("uncaughtException", (error, origin) => crash(origin, error));
  process.on("unhandledRejection", (reason) => crash("unhandledRejection", reason));
}
