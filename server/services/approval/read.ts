/**
 * Reading requests: one for the app or a token, and those waiting for the signed-in person.
 */
import { and, asc, eq, or, sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import { type Approval, approvals, approvalVotes, chats, groupMembers } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import { canReadChat } from "~/server/services/access";
import type { Deps } from "~/server/services/deps";
import { eligibleVoters, isEligible } from "./voters";
import { type ApprovalDto, loadApproval } from "./dto";
import { expireOne, loadFresh } from "./decide";

/** An approver (even one not yet in the chat) or anyone who may read the record's chat. */
async function assertCanSee(db: Db, actor: Actor, approval: Approval): Promise<void> {
  const [row] = await db.select({ readable: sql<boolean>`${canReadChat(actor.id)}` }).from(chats).where(eq(chats.id, approval.chatId));
  if (row?.readable) return;
  if (isEligible(approval, await eligibleVoters(db, approval), actor.id)) return;
  throw new DomainError("forbidden", "You do not have access to this approval request");
}

/** For the app: a reader of the record's chat or an approver. */
export async function getApproval(deps: Deps, actor: Actor, approvalId: string, now = new Date()): Promise<ApprovalDto> {
  const approval = await loadFresh(deps, approvalId, now);
  await assertCanSee(deps.db, actor, approval);
  return (await loadApproval(deps.db, approvalId))!;
}

/** For the REST API: the token's `read` scope is the check. */
export async function getApprovalForToken(deps: Deps, approvalId: string, now = new Date()): Promise<ApprovalDto> {
  await loadFresh(deps, approvalId, now);
  return (await loadApproval(deps.db, approvalId))!;
}

/**
 * Requests waiting for the actor's vote, oldest first: pending, not past their time, the actor
 * named or in the group (and not the requester), not yet voted.
 */
export async function pendingForMe(deps: Deps, actor: Actor, now = new Date()): Promise<ApprovalDto[]> {
  const rows = await deps.db
    .select({ id: approvals.id, expiresAt: approvals.expiresAt })
    .from(approvals)
    .where(
      and(
        eq(approvals.state, "pending"),
        sql`${approvals.requestedBy} <> ${`user:${actor.id}`}`,
        or(
          sql`${actor.id} = any(${approvals.approverIds})`,
          sql`exists (select 1 from ${groupMembers} where ${groupMembers.groupId} = ${approvals.groupId} and ${groupMembers.userId} = ${actor.id})`,
        ),
        sql`not exists (select 1 from ${approvalVotes} where ${approvalVotes.approvalId} = ${approvals.id} and ${approvalVotes.userId} = ${actor.id})`,
      ),
    )
    .orderBy(asc(approvals.createdAt))
    .limit(50);
  const open: ApprovalDto[] = [];
  for (const row of rows) {
    if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) {
      await expireOne(deps, row.id, now);
      continue;
    }
    open.push((await loadApproval(deps.db, row.id))!);
  }
  return open;
}
