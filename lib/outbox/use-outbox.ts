"use client";

import { useCallback, useSyncExternalStore } from "react";
import { type OutboxItem, listOutbox, onOutboxChange } from "./store";

/**
 * One copy of the signed-in user's outbox for the whole page: the banner and the open chat
 * read the same list, loaded once per change rather than once per component.
 */
const EMPTY: OutboxItem[] = [];
let loadedFor: string | null = null;
let items: OutboxItem[] = EMPTY;
const listeners = new Set<() => void>();
let stopWatching: (() => void) | null = null;

function load(userId: string) {
  void listOutbox(userId)
    .then((list) => {
      if (loadedFor !== userId) return;
      items = list;
      for (const listener of listeners) listener();
    })
    .catch(() => undefined);
}

function subscribe(userId: string, listener: () => void): () => void {
  if (loadedFor !== userId) {
    loadedFor = userId;
    items = EMPTY;
    load(userId);
  }
  listeners.add(listener);
  stopWatching ??= onOutboxChange(() => loadedFor && load(loadedFor));
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      stopWatching?.();
      stopWatching = null;
      loadedFor = null;
      items = EMPTY;
    }
  };
}

/** This user's outbox items, oldest first, kept current across tabs and the service worker. */
export function useOutbox(userId: string): OutboxItem[] {
  // A stable subscribe: a new one each render would make React unsubscribe and subscribe again.
  const subscribeUser = useCallback((listener: () => void) => subscribe(userId, listener), [userId]);
  return useSyncExternalStore(
    subscribeUser,
    () => (loadedFor === userId ? items : EMPTY),
    () => EMPTY,
  );
}
