/** U+0000, or half of a surrogate pair (JSON.stringify writes it as `\udXXX`, which jsonb refuses). */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Whether a client's value holds, in a string or a key, a character PostgreSQL cannot store in
 * text or jsonb: such input failed in the database with a 500 instead of in validation (bench:fuzz
 * found NUL in a REST path and a lone surrogate in a record's fields). Iterative: a client's JSON
 * can be nested deeper than our stack.
 */
export function hasUnstorableText(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === "string") {
      if (UNSTORABLE.test(item)) return true;
    } else if (item !== null && typeof item === "object" && !(item instanceof Date)) {
      for (const [key, child] of Object.entries(item)) {
        if (UNSTORABLE.test(key)) return true;
        pending.push(child);
      }
    }
  }
  return false;
}
