/**
 * The one error type services throw. Routers and REST handlers map it once
 * (server/api/trpc.ts, and the REST layer later) to protocol codes.
 */
export type DomainErrorCode = "unauthorized" | "forbidden" | "not_found" | "conflict" | "invalid" | "rate_limited";

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Per-field messages for `invalid`, keyed by input field name. */
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export type Actor = {
  id: string;
  username: string;
  name: string;
  role: "admin" | "manager" | "worker";
};

export function isManager(actor: Actor): boolean {
  return actor.role === "manager" || actor.role === "admin";
}
