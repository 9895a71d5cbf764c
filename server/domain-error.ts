import type { DomainErrorCode } from "~/contracts/errors";
import { type Role, isManagerRole } from "~/contracts/roles";

/**
 * The one error type services throw. tRPC, the REST API and the file routes answer it by one
 * table (contracts/errors.ts).
 */
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
  role: Role;
};

export function isManager(actor: Actor): boolean {
  return isManagerRole(actor.role);
}
