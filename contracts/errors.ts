/**
 * The error codes services throw (DomainError) and what each protocol answers for them: one
 * table for tRPC, the REST API and the file routes. Pure data, shared by server and browser.
 */
export const ERROR_CODES = {
  invalid: { status: 400, trpc: "BAD_REQUEST" },
  unauthorized: { status: 401, trpc: "UNAUTHORIZED" },
  forbidden: { status: 403, trpc: "FORBIDDEN" },
  not_found: { status: 404, trpc: "NOT_FOUND" },
  conflict: { status: 409, trpc: "CONFLICT" },
  rate_limited: { status: 429, trpc: "TOO_MANY_REQUESTS" },
} as const;

export type DomainErrorCode = keyof typeof ERROR_CODES;

/** The HTTP status of a DomainError code on the REST API and the file routes. */
export function httpStatusOf(code: DomainErrorCode): (typeof ERROR_CODES)[DomainErrorCode]["status"] {
  return ERROR_CODES[code].status;
}
