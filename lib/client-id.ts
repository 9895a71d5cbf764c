/**
 * An id for a message the client is about to send (the server's idempotency key).
 * crypto.randomUUID exists only in secure contexts, and a warehouse server is often reached
 * over plain http on the LAN; getRandomValues works everywhere.
 */
export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
