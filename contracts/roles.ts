/**
 * The roles and the one rule about them both sides need: who counts as a manager (managers and
 * admins). What each role may do is the server's (server/services/permissions.ts).
 */
export const ROLES = ["admin", "manager", "worker"] as const;

export type Role = (typeof ROLES)[number];

/** Managers and admins: the manager view, labels, the admin entry for managers. */
export function isManagerRole(role: Role | undefined): boolean {
  return role === "manager" || role === "admin";
}
