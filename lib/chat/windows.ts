"use client";

import { useSyncExternalStore } from "react";

/**
 * Chat windows on a wide screen (issue 14): beside the chat picked in the list, up to
 * `MAX_KEPT` more stay open side by side. Which ones is kept per person on this device
 * (localStorage, keyed by the user's id, so a shared tablet never shows one person's windows to
 * the next); which window has focus and which want attention live in memory. Small on purpose:
 * phones load this module, only wide screens load the windows themselves (components/chats/chat-dock.tsx).
 */

/** The picked chat plus three kept ones: four windows at most. */
export const MAX_KEPT = 3;

/** From this width a chat can be kept open beside the next one. */
export const WIDE_QUERY = "(min-width: 1024px)";

const KEY_PREFIX = "floorchat-windows:";
const CHAT_ID = /^[0-9a-f-]{36}$/;
const NONE: readonly string[] = Object.freeze([]);

/** What was stored, as a list of chat ids; anything else (old or hand-edited values) is nothing. */
export function parseKept(raw: string | null): readonly string[] {
  if (!raw) return NONE;
  try {
    const value: unknown = JSON.parse(raw);
    if (!Array.isArray(value)) return NONE;
    const ids = value.filter((id): id is string => typeof id === "string" && CHAT_ID.test(id));
    return [...new Set(ids)].slice(0, MAX_KEPT);
  } catch {
    return NONE;
  }
}

/** `kept` with `chatId` added at the end, unless it is there already or there is no room. */
export function withKept(kept: readonly string[], chatId: string): readonly string[] {
  if (kept.includes(chatId) || kept.length >= MAX_KEPT) return kept;
  return [...kept, chatId];
}

const listeners = new Set<() => void>();
function emit() {
  for (const listener of listeners) listener();
}
function subscribe(listener: () => void) {
  listeners.add(listener);
  // Another tab of the same person keeps or closes windows too.
  const onStorage = (event: StorageEvent) => {
    if (event.key === null || event.key.startsWith(KEY_PREFIX)) listener();
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

function readRaw(userId: string): string | null {
  try {
    return window.localStorage.getItem(KEY_PREFIX + userId);
  } catch {
    // Storage refused (private mode, policy): nothing kept, windows last as long as the page.
    return memory.get(userId) ?? null;
  }
}

/** Where the list lives when storage is refused. */
const memory = new Map<string, string>();

/** One array per stored value, so useSyncExternalStore sees no change while nothing changed. */
const parsed = new Map<string, { raw: string | null; kept: readonly string[] }>();

export function keptChats(userId: string): readonly string[] {
  const raw = readRaw(userId);
  const cached = parsed.get(userId);
  if (cached && cached.raw === raw) return cached.kept;
  const kept = parseKept(raw);
  parsed.set(userId, { raw, kept });
  return kept;
}

function writeKept(userId: string, kept: readonly string[]) {
  const raw = JSON.stringify(kept);
  try {
    if (kept.length === 0) window.localStorage.removeItem(KEY_PREFIX + userId);
    else window.localStorage.setItem(KEY_PREFIX + userId, raw);
  } catch {
    memory.set(userId, raw);
  }
  emit();
}

export function keepChat(userId: string, chatId: string) {
  const kept = keptChats(userId);
  const next = withKept(kept, chatId);
  if (next !== kept) writeKept(userId, next);
}

export function releaseChat(userId: string, chatId: string) {
  const kept = keptChats(userId);
  if (kept.includes(chatId)) writeKept(userId, kept.filter((id) => id !== chatId));
}

export function useKeptChats(userId: string): readonly string[] {
  return useSyncExternalStore(
    subscribe,
    () => keptChats(userId),
    () => NONE,
  );
}

function subscribeWide(listener: () => void) {
  const query = window.matchMedia(WIDE_QUERY);
  query.addEventListener("change", listener);
  return () => query.removeEventListener("change", listener);
}

/** Whether the screen is wide enough for windows side by side (false while rendered on the server). */
export function useIsWide(): boolean {
  return useSyncExternalStore(
    subscribeWide,
    () => window.matchMedia(WIDE_QUERY).matches,
    () => false,
  );
}

// Which window the person works in (the last one they focused or touched; null: the one picked
// in the list), and which windows had a message arrive while they worked elsewhere.
let focused: string | null = null;
let attention: ReadonlySet<string> = new Set();

export function setFocusedWindow(chatId: string | null) {
  if (focused === chatId) return;
  focused = chatId;
  emit();
}

export function focusedWindow(): string | null {
  return focused;
}

export function useFocusedWindow(): string | null {
  return useSyncExternalStore(
    subscribe,
    () => focused,
    () => null,
  );
}

export function setAttention(chatId: string, isWanted: boolean) {
  if (attention.has(chatId) === isWanted) return;
  const next = new Set(attention);
  if (isWanted) next.add(chatId);
  else next.delete(chatId);
  attention = next;
  emit();
}

export function useAttention(chatId: string): boolean {
  return useSyncExternalStore(
    subscribe,
    () => attention.has(chatId),
    () => false,
  );
}
