import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DEAD_AFTER_MS, HEARTBEAT_MS, createWatchdog } from "./stream-watchdog";

describe("stream watchdog", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("keeps a stream alive that misses one heartbeat", () => {
    const onDead = vi.fn();
    const watchdog = createWatchdog(onDead);
    watchdog.feed();
    vi.advanceTimersByTime(2 * HEARTBEAT_MS);
    expect(onDead).not.toHaveBeenCalled();
    watchdog.stop();
  });

  it("declares a stream dead once two heartbeats are missed, and only once", () => {
    const onDead = vi.fn();
    const watchdog = createWatchdog(onDead);
    watchdog.feed();
    vi.advanceTimersByTime(DEAD_AFTER_MS);
    expect(onDead).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10 * DEAD_AFTER_MS);
    expect(onDead).toHaveBeenCalledTimes(1);
  });

  it("is kept alive by every heartbeat, however long the stream lasts", () => {
    const onDead = vi.fn();
    const watchdog = createWatchdog(onDead);
    watchdog.feed();
    for (let i = 0; i < 100; i++) {
      vi.advanceTimersByTime(HEARTBEAT_MS);
      watchdog.feed();
    }
    expect(onDead).not.toHaveBeenCalled();
    vi.advanceTimersByTime(DEAD_AFTER_MS);
    expect(onDead).toHaveBeenCalledTimes(1);
  });

  it("says nothing once stopped (the tab closed its stream)", () => {
    const onDead = vi.fn();
    const watchdog = createWatchdog(onDead);
    watchdog.feed();
    watchdog.stop();
    vi.advanceTimersByTime(10 * DEAD_AFTER_MS);
    expect(onDead).not.toHaveBeenCalled();
  });

  it("watches again after a reconnect is fed", () => {
    const onDead = vi.fn();
    const watchdog = createWatchdog(onDead, 1_000);
    watchdog.feed();
    vi.advanceTimersByTime(1_000);
    watchdog.feed();
    vi.advanceTimersByTime(1_000);
    expect(onDead).toHaveBeenCalledTimes(2);
  });
});
