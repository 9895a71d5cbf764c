import type { Db, Tx } from "~/db/client";
import { auditLog } from "~/db/schema";
import type { Actor } from "~/server/domain-error";

export type AuditInput = {
  action: string;
  targetType: string;
  targetId?: string;
  before?: unknown;
  after?: unknown;
};

/** Written inside the caller's transaction so the change and its record commit together. */
export async function writeAudit(db: Db | Tx, actor: Actor | "system", entry: AuditInput): Promise<void> {
  await db.insert(auditLog).values({
    actorKind: actor === "system" ? "system" : "user",
    actorId: actor === "system" ? null : actor.id,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}
