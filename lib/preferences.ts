"use client";

import { useCallback, useSyncExternalStore } from "react";

/**
 * Preferences of this device, kept in localStorage: they belong to the tablet or phone in the
 * hand, not to the account (a shared tablet in a loud aisle may want the sound on for everyone).
 */
const SOUND_KEY = "floorchat.sound";

const listeners = new Set<() => void>();

function readFlag(key: string, fallback: boolean): boolean {
  try {
    const value = window.localStorage.getItem(key);
    return value === null ? fallback : value === "on";
  } catch {
    // Storage can be blocked (private mode, policy); the default then holds for this page.
    return fallback;
  }
}

function writeFlag(key: string, value: boolean) {
  try {
    window.localStorage.setItem(key, value ? "on" : "off");
  } catch {
    // Not persisted, but the listeners below still update this tab.
  }
  for (const listener of listeners) listener();
}

/** Other tabs change storage too: the `storage` event brings their changes here. */
function subscribe(listener: () => void) {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key === null || event.key === SOUND_KEY) listener();
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

/** Whether to play a sound on new messages (PRODUCT.md N2), read outside React (event handlers). Default on. */
export function isSoundEnabled(): boolean {
  return typeof window === "undefined" ? true : readFlag(SOUND_KEY, true);
}

export function setSoundEnabled(enabled: boolean) {
  writeFlag(SOUND_KEY, enabled);
}

/** `[enabled, setEnabled]` for the new-message sound; every component using it re-renders on change. */
export function useSoundEnabled(): [boolean, (enabled: boolean) => void] {
  const enabled = useSyncExternalStore(subscribe, isSoundEnabled, () => true);
  const setEnabled = useCallback((value: boolean) => setSoundEnabled(value), []);
  return [enabled, setEnabled];
}
