/**
 * Approvals on a record (PRODUCT.md W4): named people (all of them) or N members of a group
 * approve; a request is rejected after `rejectionsToReject` rejections (1: any reject), or as
 * soon as it can no longer gather its approvals; it expires at `expiresAt`. Votes are final.
 *
 * This file: asking for one.
 */
import { and, eq, isNull, or, sql } from "drizzle-orm";
import { MESSAGE_MAX_LENGTH } from "~/contracts/limits";
import type { Db } from "~/db/client";
import { approvals, chatAccess, chatMembers, chats, entities, groups, users } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import { canReadChat, isMembersOnlyRecordChat } from "~/server/services/access";
import { isTokenRef, type TokenRef, writeAudit } from "~/server/services/audit";
import type { Deps } from "~/server/services/deps";
import { appendEvents } from "~/server/services/events";
import { insertSystemMessage } from "~/server/services/message/system";
import { groupVoters } from "./voters";
import { type ApprovalDto, loadApproval } from "./dto";

export const MAX_NAMED_APPROVERS = 50;
export const MAX_EXPIRY_MINUTES = 90 * 24 * 60;
/** How often server/main.ts sweeps expired requests; reads and votes also check on the spot. */
export const EXPIRY_SWEEP_MS = 30_000;

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

/** Who asked, as stored in `approvals.requested_by`: a token or a user, never a bare name. */
function requesterRef(author: Actor | TokenRef): string {
  return isTokenRef(author) ? `token:${author.id}` : `user:${author.id}`;
}

export function invalid(field: string, message: string): never {
  throw new DomainError("invalid", message, { [field]: message });
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
