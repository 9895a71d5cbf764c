/**
 * A request as the app, the REST API and webhooks show it.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "~/db/client";
import { apiTokens, type Approval, approvals, approvalVotes, entities, groups, users } from "~/db/schema";
import { eligibleVoters } from "./voters";

export type ApprovalState = Approval["state"];
export type VoteValue = "approve" | "reject";

export type ApprovalDto = {
  id: string;
  state: ApprovalState;
  record: { type: string; key: string; title: string | null };
  chatId: string;
  messageId: string | null;
  body: string;
  /** Named approvers, or the group's current members (those who may vote). */
  approvers: { id: string; name: string }[];
  group: { id: string; name: string } | null;
  required: number;
  rejectionsToReject: number;
  approvedCount: number;
  rejectedCount: number;
  votes: { userId: string; name: string; vote: VoteValue; comment: string | null; at: Date }[];
  expiresAt: Date | null;
  requestedBy: { kind: "token" | "user"; name: string };
  createdAt: Date;
  resolvedAt: Date | null;
};

/** The request with its votes and who may vote, as the API, the app and webhooks show it. */
export async function loadApproval(db: Db | Tx, approvalId: string): Promise<ApprovalDto | null> {
  const [row] = await db
    .select({
      approval: approvals,
      recordTitle: entities.title,
      groupName: groups.name,
      requesterName: sql<string | null>`case
        when ${approvals.requestedBy} like 'user:%' then (select ${users.name} from ${users} where ${users.id} = substr(${approvals.requestedBy}, 6))
        else (select ${apiTokens.name} from ${apiTokens} where ${apiTokens.id}::text = substr(${approvals.requestedBy}, 7)) end`,
    })
    .from(approvals)
    .leftJoin(entities, and(eq(entities.type, approvals.entityType), eq(entities.key, approvals.entityKey)))
    .leftJoin(groups, eq(groups.id, approvals.groupId))
    .where(eq(approvals.id, approvalId));
  if (!row) return null;
  const a = row.approval;
  const votes = await db
    .select({ userId: approvalVotes.userId, name: users.name, vote: approvalVotes.vote, comment: approvalVotes.comment, at: approvalVotes.createdAt })
    .from(approvalVotes)
    .innerJoin(users, eq(users.id, approvalVotes.userId))
    .where(eq(approvalVotes.approvalId, approvalId))
    .orderBy(asc(approvalVotes.createdAt), asc(users.name));
  return {
    id: a.id,
    state: a.state,
    record: { type: a.entityType, key: a.entityKey, title: row.recordTitle },
    chatId: a.chatId,
    messageId: a.messageId,
    body: a.body,
    approvers: await eligibleVoters(db, a),
    group: a.groupId && row.groupName ? { id: a.groupId, name: row.groupName } : null,
    required: a.required,
    rejectionsToReject: a.rejectionsToReject,
    approvedCount: votes.filter((v) => v.vote === "approve").length,
    rejectedCount: votes.filter((v) => v.vote === "reject").length,
    votes,
    expiresAt: a.expiresAt,
    requestedBy: { kind: a.requestedBy.startsWith("token:") ? "token" : "user", name: row.requesterName ?? "System" },
    createdAt: a.createdAt,
    resolvedAt: a.resolvedAt,
  };
}

/** The webhook's and the REST API's form: dates as ISO strings. */
export function approvalJson(dto: ApprovalDto) {
  return {
    ...dto,
    votes: dto.votes.map((v) => ({ ...v, at: v.at.toISOString() })),
    expiresAt: dto.expiresAt?.toISOString() ?? null,
    createdAt: dto.createdAt.toISOString(),
    resolvedAt: dto.resolvedAt?.toISOString() ?? null,
  };
}
