import { eq, like } from "drizzle-orm";
import type { Db, Tx } from "~/db/client";
import { settings } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import { writeAudit } from "./audit";

/**
 * Per-record-type settings, kept in `settings` under `recordTypes.<type>.<name>` so a type needs
 * no row of its own and no migration. Only `visibility` exists so far:
 * - `open` (the default, also when unset): anyone who can scan the record may open its chat;
 * - `members`: the chat is invite-only (see canReadChat in access.ts).
 */
export type RecordChatVisibility = "open" | "members";

export const RECORD_TYPE_SETTING_PREFIX = "recordTypes.";

export function recordTypeVisibilityKey(type: string): string {
  return `${RECORD_TYPE_SETTING_PREFIX}${type}.visibility`;
}

/** Every type with a non-default visibility. */
export async function listRecordTypeVisibilities(db: Db | Tx): Promise<{ type: string; visibility: RecordChatVisibility }[]> {
  const rows = await db
    .select({ key: settings.key, value: settings.value })
    .from(settings)
    .where(like(settings.key, `${RECORD_TYPE_SETTING_PREFIX}%.visibility`));
  return rows
    .filter((row) => row.value === "members")
    .map((row) => ({ type: row.key.slice(RECORD_TYPE_SETTING_PREFIX.length, -".visibility".length), visibility: "members" as const }))
    .sort((a, b) => a.type.localeCompare(b.type));
}

/**
 * Sets a type's chat visibility (admins). Who may read its chats changes at once in every query;
 * the stream's cached audiences follow within their age limit (server/realtime/hub.ts), as for
 * a change of group membership.
 */
export async function setRecordTypeVisibility(db: Db, actor: Actor, type: string, visibility: RecordChatVisibility): Promise<void> {
  if (actor.role !== "admin") throw new DomainError("forbidden", "Only admins may change record types");
  const key = recordTypeVisibilityKey(type);
  await db.transaction(async (tx) => {
    const [before] = await tx.select({ value: settings.value }).from(settings).where(eq(settings.key, key));
    if (visibility === "open") await tx.delete(settings).where(eq(settings.key, key));
    else await tx.insert(settings).values({ key, value: visibility }).onConflictDoUpdate({ target: settings.key, set: { value: visibility } });
    await writeAudit(tx, actor, {
      action: "recordType.visibility",
      targetType: "recordType",
      targetId: type,
      before: { visibility: before?.value ?? "open" },
      after: { visibility },
    });
  });
}
