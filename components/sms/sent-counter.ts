"use client";

import { useCallback, useEffect, useSyncExternalStore } from "react";
import { keptChats } from "~/lib/chat/windows";

/**
 * How many texts were sent from one window (PRODUCT.md C6: a per-window message counter), for
 * this tab: kept in sessionStorage so a reload keeps counting, started again when the window
 * closes (the chat left, or a kept window closed). A window moving from the picked place to a
 * kept one (another chat picked) is the same window: it unmounts and mounts in one go, and the
 * reset waits a moment to see that.
 */
const KEY = "floorchat-sent:";
const listeners = new Set<() => void>();
const memory = new Map<string, number>();
const resets = new Map<string, ReturnType<typeof setTimeout>>();

function read(key: string): number {
  try {
    return Number(window.sessionStorage.getItem(key)) || 0;
  } catch {
    // Storage refused: counted for as long as the page lives.
    return memory.get(key) ?? 0;
  }
}

function write(key: string, count: number | null) {
  try {
    if (count === null) window.sessionStorage.removeItem(key);
    else window.sessionStorage.setItem(key, String(count));
  } catch {
    if (count === null) memory.delete(key);
    else memory.set(key, count);
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

export function useSentCounter(me: string, chatId: string) {
  const key = `${KEY}${me}:${chatId}`;
  const count = useSyncExternalStore(
    subscribe,
    () => read(key),
    () => 0,
  );
  useEffect(() => {
    clearTimeout(resets.get(key));
    resets.delete(key);
    return () => {
      resets.set(
        key,
        setTimeout(() => {
          resets.delete(key);
          if (!keptChats(me).includes(chatId)) write(key, null);
        }, 0),
      );
    };
  }, [key, me, chatId]);
  const add = useCallback(() => write(key, read(key) + 1), [key]);
  return { count, add };
}
