/** How often the server writes a heartbeat on every stream (server/realtime/hub.ts uses it). */
export const HEARTBEAT_MS = 15_000;

/**
 * Two heartbeats missed, plus slack for a slow network: the stream is dead. A proxy or a phone
 * switching networks can leave a half-open connection on which EventSource waits forever
 * without an error, so the client has to notice the silence itself.
 */
export const DEAD_AFTER_MS = 2 * HEARTBEAT_MS + 5_000;

export type Watchdog = {
  /** Something arrived on the stream (an event, a heartbeat, the connection opening). */
  feed(): void;
  stop(): void;
};

/** Calls `onDead` once nothing has been fed for `deadAfterMs`; feeding again re-arms it. */
export function createWatchdog(onDead: () => void, deadAfterMs = DEAD_AFTER_MS): Watchdog {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return {
    feed() {
      stop();
      timer = setTimeout(() => {
        timer = null;
        onDead();
      }, deadAfterMs);
    },
    stop,
  };
}
