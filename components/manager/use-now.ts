import { useSyncExternalStore } from "react";

/** Wait times are shown in whole minutes; a tick every 15 s keeps them at most that far behind. */
const TICK_MS = 15_000;

let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function tick() {
  now = Date.now();
  for (const listener of listeners) listener();
}

/**
 * One shared clock for every wait time on screen. A phone waking up runs no missed intervals,
 * so the clock also jumps forward when the page becomes visible again.
 */
function subscribe(listener: () => void) {
  listeners.add(listener);
  if (listeners.size === 1) {
    now = Date.now();
    timer = setInterval(tick, TICK_MS);
    document.addEventListener("visibilitychange", tick);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
      document.removeEventListener("visibilitychange", tick);
    }
  };
}

const getSnapshot = () => now;
// Nothing time-dependent is rendered on the server (the queue loads in the browser).
const getServerSnapshot = () => 0;

export function useNow(): number {
  return useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
}
