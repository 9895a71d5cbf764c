/**
 * Editing and deleting a message (one statement each, change-statements.ts), and telling its readers.
 */
import { MESSAGE_MAX_LENGTH } from "~/contracts/limits";
import { type Actor, DomainError } from "~/server/domain-error";
import type { MessageDto } from "~/contracts/messages";
import { type Announced, runChange, settled } from "./change-statements";
import type { Deps } from "~/server/services/deps";
import { loadDto } from "./dto";

/** An edit or delete refused or made: the refusals are the same errors, in the same order, as ever. */
async function change(deps: Deps, actor: Actor, input: { messageId: string; body: string | null }): Promise<MessageDto> {
  const result = await settled(() => runChange(deps.db, actor, input));
  switch (result.outcome) {
    case "not_found":
    case "forbidden":
    case "deleted":
      throw messageRefusal(result.outcome);
    case "not_author":
      throw new DomainError("forbidden", "Only the author can change this message");
    case "same_body":
      return (await loadDto(deps.db, input.messageId))!;
    case "changed":
      publishUpdated(deps, result);
      return result.message;
  }
}

/** The refusals every change of a message shares (edit, delete, react), checked in this order. */
export function messageRefusal(outcome: "not_found" | "forbidden" | "deleted"): DomainError {
  if (outcome === "not_found") return new DomainError("not_found", "No such message");
  if (outcome === "forbidden") return new DomainError("forbidden", "You do not have access to this chat");
  return new DomainError("conflict", "This message was deleted");
}

/** Tells the chat's readers (as they were at the change's commit) of a changed message. */
export function publishUpdated(deps: Deps, { message, eventId, audience }: Announced): void {
  deps.realtime.publish([
    { id: eventId, chatId: message.chatId, event: { type: "message.updated", chatId: message.chatId, message }, audience: audience ?? "all" },
  ]);
}

/** Changes the body in one statement (change-statements.ts), with an audit row of the old and new; the same body changes nothing. */
export async function editMessage(deps: Deps, actor: Actor, input: { messageId: string; body: string }): Promise<MessageDto> {
  const body = input.body.trim();
  if (body.length === 0 || body.length > MESSAGE_MAX_LENGTH) {
    throw new DomainError("invalid", `A message has 1 to ${MESSAGE_MAX_LENGTH} characters`, { body: `1 to ${MESSAGE_MAX_LENGTH} characters` });
  }
  return change(deps, actor, { messageId: input.messageId, body });
}

/** Leaves a tombstone: the body is erased from the database, the audit log keeps it. */
export async function deleteMessage(deps: Deps, actor: Actor, input: { messageId: string }): Promise<MessageDto> {
  return change(deps, actor, { messageId: input.messageId, body: null });
}
