/**
 * Who may vote on a request.
 */
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db, Tx } from "~/db/client";
import { type Approval, groupMembers, users } from "~/db/schema";

/** Active members of a group, the requester excluded: nobody approves their own request. */
export async function groupVoters(db: Db | Tx, groupId: string, requestedBy: string): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: users.id, name: users.name })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(and(eq(groupMembers.groupId, groupId), isNull(users.deactivatedAt), sql`${users.id} <> ${requestedBy.replace(/^user:/, "")}`))
    .orderBy(asc(users.name));
}

/** Who may vote on the request now: the named approvers, or the group's current members. */
export async function eligibleVoters(db: Db | Tx, approval: Approval): Promise<{ id: string; name: string }[]> {
  if (approval.groupId) return groupVoters(db, approval.groupId, approval.requestedBy);
  if (approval.approverIds.length === 0) return [];
  const rows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, approval.approverIds));
  // In the order the request named them.
  return approval.approverIds.flatMap((id) => rows.filter((r) => r.id === id));
}

export function isEligible(approval: Approval, voters: { id: string }[], actorId: string): boolean {
  return voters.some((v) => v.id === actorId) && `user:${actorId}` !== approval.requestedBy;
}
