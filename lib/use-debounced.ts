import { useEffect, useState } from "react";

/**
 * The value once it has stopped changing for delayMs: a search runs when typing pauses, not on
 * every key (gloves make typos, and each key would otherwise be a query).
 */
export function useDebounced<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}
