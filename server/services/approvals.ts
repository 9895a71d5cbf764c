import { and, asc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import { MESSAGE_MAX_LENGTH } from "~/contracts/limits";
import type { Db, Tx } from "~/db/client";
import { type Approval, apiTokens, approvalVotes, approvals, chatAccess, chatMembers, chats, entities, groupMembers, groups, users } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import type { Envelope } from "~/server/realtime/envelope";
import { canReadChat, isMembersOnlyRecordChat } from "./access";
import { type TokenRef, isTokenRef, writeAudit } from "./audit";
import type { Deps } from "./deps";
import { type PendingEvent, appendEvents } from "./events";
import { insertSystemMessage, updateMessageData } from "~/server/services/message/system";
import { enqueueWebhooks } from "./webhooks";

/**
 * Approvals on a record (PRODUCT.md W4): named people (all of them) or N members of a group
 * approve; a request is rejected after `rejectionsToReject` rejections (1: any reject), or as
 * soon as it can no longer gather its approvals; it expires at `expiresAt`. Votes are final.
 */

export const MAX_NAMED_APPROVERS = 50;
export const MAX_EXPIRY_MINUTES = 90 * 24 * 60;
/** How often server/main.ts sweeps expired requests; reads and votes also check on the spot. */
export const EXPIRY_SWEEP_MS = 30_000;

export type ApprovalState = Approval["state"];
export type VoteValue = "approve" | "reject";

export type ApproversInput = string[] | { group: string; count: number };

export type CreateApprovalInput = {
  record: { type: string; key: string };
  /** User names or ids (all must approve), or N of a group. */
  approvers: ApproversInput;
  message: string;
  rejectionsToReject?: number;
  expiresAt?: Date | null;
  expiresInMinutes?: number | null;
};

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

/** Who asked, as stored in `approvals.requested_by`: a token or a user, never a bare name. */
function requesterRef(author: Actor | TokenRef): string {
  return isTokenRef(author) ? `token:${author.id}` : `user:${author.id}`;
}

function invalid(field: string, message: string): never {
  throw new DomainError("invalid", message, { [field]: message });
}

/** Active members of a group, the requester excluded: nobody approves their own request. */
async function groupVoters(db: Db | Tx, groupId: string, requestedBy: string): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: users.id, name: users.name })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(and(eq(groupMembers.groupId, groupId), isNull(users.deactivatedAt), sql`${users.id} <> ${requestedBy.replace(/^user:/, "")}`))
    .orderBy(asc(users.name));
}

/** Who may vote on the request now: the named approvers, or the group's current members. */
async function eligibleVoters(db: Db | Tx, approval: Approval): Promise<{ id: string; name: string }[]> {
  if (approval.groupId) return groupVoters(db, approval.groupId, approval.requestedBy);
  if (approval.approverIds.length === 0) return [];
  const rows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, approval.approverIds));
  // In the order the request named them.
  return approval.approverIds.flatMap((id) => rows.filter((r) => r.id === id));
}

async function resolveNamed(db: Db, specs: string[], requestedBy: string): Promise<string[]> {
  const ids: string[] = [];
  const unknown: string[] = [];
  for (const spec of specs) {
    const [user] = await db
      .select({ id: users.id })
      .from(users)
      .where(and(or(eq(users.username, spec.toLowerCase()), eq(users.id, spec)), isNull(users.deactivatedAt)));
    if (!user) unknown.push(spec);
    else if (!ids.includes(user.id)) ids.push(user.id);
  }
  if (unknown.length > 0) invalid("approvers", `Unknown approver${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`);
  if (ids.some((id) => `user:${id}` === requestedBy)) invalid("approvers", "You cannot approve your own request");
  if (ids.length > MAX_NAMED_APPROVERS) invalid("approvers", `At most ${MAX_NAMED_APPROVERS} approvers`);
  return ids;
}

function expiryFrom(input: CreateApprovalInput, now: Date): Date | null {
  if (input.expiresAt && input.expiresInMinutes) invalid("expiresAt", "Give expiresAt or expiresInMinutes, not both");
  if (input.expiresInMinutes) {
    if (!Number.isInteger(input.expiresInMinutes) || input.expiresInMinutes < 1 || input.expiresInMinutes > MAX_EXPIRY_MINUTES) {
      invalid("expiresInMinutes", `1 to ${MAX_EXPIRY_MINUTES} minutes`);
    }
    return new Date(now.getTime() + input.expiresInMinutes * 60_000);
  }
  if (input.expiresAt) {
    if (input.expiresAt.getTime() <= now.getTime()) invalid("expiresAt", "Must be in the future");
    if (input.expiresAt.getTime() > now.getTime() + MAX_EXPIRY_MINUTES * 60_000) invalid("expiresAt", "At most 90 days ahead");
    return input.expiresAt;
  }
  return null;
}

/**
 * Opens a request on a record: the record's chat is created if nobody opened it yet, the
 * approvers join it, and the card is posted there, labelled with the requester's name.
 */
export async function createApproval(deps: Deps, author: Actor | TokenRef, input: CreateApprovalInput, now = new Date()): Promise<ApprovalDto> {
  const body = input.message.trim();
  if (body.length === 0 || body.length > MESSAGE_MAX_LENGTH) invalid("message", `1 to ${MESSAGE_MAX_LENGTH.toLocaleString("en")} characters`);
  const [entity] = await deps.db
    .select()
    .from(entities)
    .where(and(eq(entities.type, input.record.type), eq(entities.key, input.record.key)));
  if (!entity) throw new DomainError("not_found", `No ${input.record.type} with key ${input.record.key}`);
  const requestedBy = requesterRef(author);
  const expiresAt = expiryFrom(input, now);

  let approverIds: string[] = [];
  let groupId: string | null = null;
  let required: number;
  let voters: string[];
  if (Array.isArray(input.approvers)) {
    if (input.approvers.length === 0) invalid("approvers", "Name at least one approver");
    approverIds = await resolveNamed(deps.db, input.approvers, requestedBy);
    required = approverIds.length;
    voters = approverIds;
  } else {
    const spec = input.approvers;
    const [group] = await deps.db.select({ id: groups.id }).from(groups).where(eq(groups.name, spec.group));
    if (!group) invalid("approvers.group", `No group named ${spec.group}`);
    groupId = group.id;
    voters = (await groupVoters(deps.db, group.id, requestedBy)).map((v) => v.id);
    if (!Number.isInteger(spec.count) || spec.count < 1 || spec.count > voters.length) {
      invalid("approvers.count", `1 to ${voters.length}: the group has ${voters.length} ${voters.length === 1 ? "person" : "people"} who can vote`);
    }
    required = spec.count;
  }
  // More rejections than this can never be reached: the request is lost before.
  const maxRejections = voters.length - required + 1;
  const rejectionsToReject = input.rejectionsToReject ?? 1;
  if (!Number.isInteger(rejectionsToReject) || rejectionsToReject < 1 || rejectionsToReject > maxRejections) {
    invalid("rejectionsToReject", `1 to ${maxRejections}: after ${maxRejections} rejections the request can no longer be approved`);
  }

  const { approvalId, message, envelopes } = await deps.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(chats)
      .values({ kind: "entity", entityType: entity.type, entityKey: entity.key, title: entity.title, visibility: "private" })
      .onConflictDoNothing()
      .returning({ id: chats.id });
    const [chat] = await tx
      .select({ id: chats.id, lastSeq: chats.lastSeq })
      .from(chats)
      .where(and(eq(chats.kind, "entity"), eq(chats.entityType, entity.type), eq(chats.entityKey, entity.key)));
    const chatId = chat!.id;
    // A person (not a token, whose scope is the check) may ask only where they may talk: of a
    // members-only record type, someone outside the chat could otherwise let themselves in.
    if (!isTokenRef(author)) {
      const [allowed] = await tx
        .select({ ok: sql<boolean>`${canReadChat(author.id)} or not ${isMembersOnlyRecordChat()}` })
        .from(chats)
        .where(eq(chats.id, chatId));
      if (!allowed?.ok) throw new DomainError("forbidden", "You do not have access to this chat");
    }
    // The approvers join the record's chat, with its history before the request already read;
    // a person asking from the app joins too, to follow the outcome.
    const joining = isTokenRef(author) ? voters : [...new Set([...voters, author.id])];
    await tx
      .insert(chatMembers)
      .values(joining.map((userId) => ({ chatId, userId, lastReadSeq: chat!.lastSeq })))
      .onConflictDoNothing();
    // Being asked is an explicit invitation: it also opens a members-only type's chat (access.ts),
    // to a group's current members when a group is asked.
    const requester = isTokenRef(author) ? [] : [{ chatId, userId: author.id }];
    const listed = groupId ? [{ chatId, groupId }, ...requester] : joining.map((userId) => ({ chatId, userId }));
    await tx.insert(chatAccess).values(listed).onConflictDoNothing();
    const [approval] = await tx
      .insert(approvals)
      .values({
        chatId,
        entityType: entity.type,
        entityKey: entity.key,
        body,
        approverIds,
        groupId,
        required,
        rejectionsToReject,
        expiresAt,
        requestedBy,
      })
      .returning({ id: approvals.id });
    await writeAudit(tx, author, {
      action: "approval.create",
      targetType: "approval",
      targetId: approval!.id,
      after: { record: `${entity.type}:${entity.key}`, approvers: input.approvers, required, rejectionsToReject, expiresAt },
    });
    const card = await insertSystemMessage(tx, {
      chatId,
      body,
      kind: "approval",
      label: author.name,
      data: { type: "approval", approvalId: approval!.id },
    });
    await tx.update(approvals).set({ messageId: card.message.id }).where(eq(approvals.id, approval!.id));
    // The chat's audience changes first (new members), so the card reaches them.
    const envelopes = await appendEvents(tx, [{ event: { type: "chat.changed", chatId, reason: created ? "created" : "entity" } }, { event: card.event }]);
    return { approvalId: approval!.id, message: card.message, envelopes };
  });
  deps.realtime.publish(envelopes);
  // The request is for its approvers (urgent: someone waits); the others see it in the chat.
  deps.push.notify({ message, onlyUserIds: voters });
  return (await loadApproval(deps.db, approvalId))!;
}

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

function isEligible(approval: Approval, voters: { id: string }[], actorId: string): boolean {
  return voters.some((v) => v.id === actorId) && `user:${actorId}` !== approval.requestedBy;
}

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
async function expireOne(deps: Deps, approvalId: string, now: Date): Promise<boolean> {
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
async function loadFresh(deps: Deps, approvalId: string, now: Date): Promise<Approval> {
  const [approval] = await deps.db.select().from(approvals).where(eq(approvals.id, approvalId));
  if (!approval) throw new DomainError("not_found", "No such approval request");
  if (isDue(approval, now)) {
    await expireOne(deps, approvalId, now);
    const [after] = await deps.db.select().from(approvals).where(eq(approvals.id, approvalId));
    return after!;
  }
  return approval;
}

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
