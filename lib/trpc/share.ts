/**
 * TanStack Query's structural sharing (keep the previous object wherever the new data is equal
 * to it, so components that get the same data do not render again), for data with Dates in it.
 * Its own `replaceEqualDeep` counts two Date objects as different even at the same instant, and
 * our DTOs are full of dates: every refetch of an unchanged chat, member list or timeline (the
 * stream's first connection refetches them all) gave new objects and redrew every message.
 */
export function shareEqual(previous: unknown, next: unknown, depth = 0): unknown {
  if (previous === next) return previous;
  if (previous instanceof Date && next instanceof Date) return previous.getTime() === next.getTime() ? previous : next;
  const arrays = Array.isArray(previous) && Array.isArray(next);
  if (depth > 500 || !(arrays || (isPlainObject(previous) && isPlainObject(next)))) return next;
  const before = previous as Record<string | number, unknown>;
  const after = next as Record<string | number, unknown>;
  const beforeKeys = arrays ? (previous as unknown[]).map((_, i) => i) : Object.keys(before);
  const afterKeys = arrays ? (next as unknown[]).map((_, i) => i) : Object.keys(after);
  const copy = (arrays ? [] : {}) as Record<string | number, unknown>;
  let kept = 0;
  for (const key of afterKeys) {
    const shared = Object.hasOwn(before, key) ? shareEqual(before[key], after[key], depth + 1) : after[key];
    copy[key] = shared;
    if (shared === before[key] && Object.hasOwn(before, key)) kept++;
  }
  return kept === beforeKeys.length && beforeKeys.length === afterKeys.length ? previous : copy;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
