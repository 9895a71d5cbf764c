/**
 * Votes, and how a request ends: approved, rejected, or expired (on a vote, a read or the sweep).
 */
import { and, asc, eq, lte, sql } from "drizzle-orm";
import type { Tx } from "~/db/client";
import { type Approval, approvals, approvalVotes, chatMembers, chats, users } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import type { Envelope } from "~/server/realtime/envelope";
import { writeAudit } from "~/server/services/audit";
import type { Deps } from "~/server/services/deps";
import { appendEvents, type PendingEvent } from "~/server/services/events";
import { insertSystemMessage, updateMessageData } from "~/server/services/message/system";
import { enqueueWebhooks } from "~/server/services/webhooks";
import { invalid } from "./request";
import { eligibleVoters, isEligible } from "./voters";
import { type ApprovalDto, approvalJson, type ApprovalState, loadApproval, type VoteValue } from "./dto";

function decide(approval: Approval, approvedCount: number, rejectedCount: number, undecided: number): ApprovalState {
  if (approvedCount >= approval.required) return "approved";
  if (rejectedCount >= approval.rejectionsToReject) return "rejected";
  // Not enough people left to approve (a group shrank, or named approvers rejected).
  if (approvedCount + undecided < approval.required) return "rejected";
  return "pending";
}

function joinNames(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/**
 * Writes a resolution inside the caller's transaction, after the approval row was locked: the
 * state, a line in the chat, the card's update, the record's chat change (status chips) and the
 * webhook deliveries, all committing together. Its events are appended last, in one statement,
 * so the caller must write nothing after it. Returns the envelopes to publish after commit.
 */
async function resolveInTx(tx: Tx, approval: Approval, state: Exclude<ApprovalState, "pending">, now: Date) {
  await tx.update(approvals).set({ state, resolvedAt: now }).where(eq(approvals.id, approval.id));
  const deciding = await tx
    .select({ name: users.name })
    .from(approvalVotes)
    .innerJoin(users, eq(users.id, approvalVotes.userId))
    .where(and(eq(approvalVotes.approvalId, approval.id), eq(approvalVotes.vote, state === "approved" ? "approve" : "reject")))
    .orderBy(asc(approvalVotes.createdAt));
  const names = joinNames(deciding.map((d) => d.name));
  const line =
    state === "expired"
      ? "Approval request expired"
      : state === "approved"
        ? `Approved by ${names}`
        : names
          ? `Rejected by ${names}`
          : "Rejected: not enough approvers left";
  const dto = (await loadApproval(tx, approval.id))!;
  const webhooks = await enqueueWebhooks(tx, "approval.resolved", approvalJson(dto));
  // The chat change goes first: it also refreshes who receives the chat's events.
  const pending: PendingEvent[] = [{ event: { type: "chat.changed", chatId: approval.chatId, reason: "entity" } }];
  if (approval.messageId) {
    pending.push({ event: (await updateMessageData(tx, approval.messageId, { type: "approval", approvalId: approval.id })).event });
  }
  pending.push({ event: (await insertSystemMessage(tx, { chatId: approval.chatId, body: line, kind: "system" })).event });
  return { envelopes: await appendEvents(tx, pending), webhooks };
}

function afterCommit(deps: Deps, result: { envelopes: Envelope[]; webhooks: number }) {
  deps.realtime.publish(result.envelopes);
  if (result.webhooks > 0) void deps.webhooks.kick().catch((error: unknown) => console.error("[webhooks]", error));
}

/** Expires one request if it is due; true when this call expired it. */
export async function expireOne(deps: Deps, approvalId: string, now: Date): Promise<boolean> {
  const result = await deps.db.transaction(async (tx) => {
    const [locked] = await tx.select().from(approvals).where(eq(approvals.id, approvalId)).for("update");
    if (locked?.state !== "pending" || !locked.expiresAt || locked.expiresAt.getTime() > now.getTime()) return null;
    await writeAudit(tx, "system", { action: "approval.expire", targetType: "approval", targetId: approvalId });
    return resolveInTx(tx, locked, "expired", now);
  });
  if (!result) return false;
  afterCommit(deps, result);
  return true;
}

/** The sweep (server/main.ts, every 30 s): expires every pending request past its time. */
export async function expireApprovals(deps: Deps, now = new Date()): Promise<number> {
  const due = await deps.db
    .select({ id: approvals.id })
    .from(approvals)
    .where(and(eq(approvals.state, "pending"), lte(approvals.expiresAt, now)))
    .orderBy(asc(approvals.expiresAt))
    .limit(500);
  let expired = 0;
  for (const { id } of due) if (await expireOne(deps, id, now)) expired++;
  return expired;
}

function isDue(approval: Approval, now: Date): boolean {
  return approval.state === "pending" && approval.expiresAt !== null && approval.expiresAt.getTime() <= now.getTime();
}

/** Reads a request, expiring it first if its time is up (the sweep may not have run yet). */
export async function loadFresh(deps: Deps, approvalId: string, now: Date): Promise<Approval> {
  const [approval] = await deps.db.select().from(approvals).where(eq(approvals.id, approvalId));
  if (!approval) throw new DomainError("not_found", "No such approval request");
  if (isDue(approval, now)) {
    await expireOne(deps, approvalId, now);
    const [after] = await deps.db.select().from(approvals).where(eq(approvals.id, approvalId));
    return after!;
  }
  return approval;
}

const STATE_CONFLICT: Record<Exclude<ApprovalState, "pending">, string> = {
  approved: "This request is already approved",
  rejected: "This request is already rejected",
  expired: "This request has expired",
};

/**
 * One final vote. The approval row is locked for the whole decision, so two votes arriving at
 * once are counted one after the other and the request resolves exactly once.
 */
export async function vote(
  deps: Deps,
  actor: Actor,
  input: { approvalId: string; vote: VoteValue; comment?: string | null },
  now = new Date(),
): Promise<ApprovalDto> {
  const comment = input.comment?.trim() || null;
  if (comment && comment.length > 500) invalid("comment", "At most 500 characters");
  const approval = await loadFresh(deps, input.approvalId, now);
  if (!isEligible(approval, await eligibleVoters(deps.db, approval), actor.id)) {
    throw new DomainError("forbidden", "You are not an approver of this request");
  }
  if (approval.state !== "pending") throw new DomainError("conflict", STATE_CONFLICT[approval.state]);

  const result = await deps.db.transaction(async (tx) => {
    const [locked] = await tx.select().from(approvals).where(eq(approvals.id, approval.id)).for("update");
    if (!locked) throw new DomainError("not_found", "No such approval request");
    if (locked.state !== "pending") throw new DomainError("conflict", STATE_CONFLICT[locked.state]);
    if (isDue(locked, now)) throw new DomainError("conflict", STATE_CONFLICT.expired);
    const [cast] = await tx
      .insert(approvalVotes)
      .values({ approvalId: locked.id, userId: actor.id, vote: input.vote, comment })
      .onConflictDoNothing()
      .returning({ userId: approvalVotes.userId });
    if (!cast) throw new DomainError("conflict", "You have already voted; a vote is final");
    await writeAudit(tx, actor, { action: "approval.vote", targetType: "approval", targetId: locked.id, after: { vote: input.vote, comment } });
    // A group member who joined the group after the request joins the chat by voting.
    const [joined] = await tx
      .insert(chatMembers)
      .values({ chatId: locked.chatId, userId: actor.id, lastReadSeq: sql`(select ${chats.lastSeq} from ${chats} where ${chats.id} = ${locked.chatId})` })
      .onConflictDoNothing()
      .returning({ userId: chatMembers.userId });

    const votes = await tx.select({ userId: approvalVotes.userId, vote: approvalVotes.vote }).from(approvalVotes).where(eq(approvalVotes.approvalId, locked.id));
    const voters = await eligibleVoters(tx, locked);
    const undecided = voters.filter((v) => !votes.some((cast) => cast.userId === v.id)).length;
    const approvedCount = votes.filter((v) => v.vote === "approve").length;
    const state = decide(locked, approvedCount, votes.length - approvedCount, undecided);

    if (state !== "pending") return resolveInTx(tx, locked, state, now);
    // Everyone's card shows the new vote; a new member's audience is refreshed first.
    const pending: PendingEvent[] = [];
    if (joined) pending.push({ event: { type: "chat.changed", chatId: locked.chatId, reason: "members" } });
    if (locked.messageId) {
      pending.push({ event: (await updateMessageData(tx, locked.messageId, { type: "approval", approvalId: locked.id })).event });
    }
    return { envelopes: await appendEvents(tx, pending), webhooks: 0 };
  });
  afterCommit(deps, result);
  return (await loadApproval(deps.db, approval.id))!;
}
