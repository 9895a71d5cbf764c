/**
 * Whether a client's value holds U+0000 in a string or a key. PostgreSQL's text and jsonb cannot
 * hold it, so such input failed in the database with a 500 instead of in validation (bench:fuzz
 * found it in a REST path). Iterative: a client's JSON can be nested deeper than our stack.
 */
export function hasNulCharacter(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === "string") {
      if (item.includes("\u0000")) return true;
    } else if (item !== null && typeof item === "object" && !(item instanceof Date)) {
      for (const [key, child] of Object.entries(item)) {
        if (key.includes("\u0000")) return true;
        pending.push(child);
      }
    }
  }
  return false;
}
