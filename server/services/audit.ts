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

/** Who did something that is not a signed-in user's own action: an API token. */
export type TokenRef = { kind: "token"; id: string; name: string };

/** The author of a change: a signed-in user, an API token, or Floorchat itself. */
export type Author = Actor | TokenRef | "system";

export function isTokenRef(author: Author): author is TokenRef {
  return author !== "system" && "kind" in author && author.kind === "token";
}

/** Written inside the caller's transaction so the change and its record commit together. */
export async function writeAudit(db: Db | Tx, author: Author, entry: AuditInput): Promise<void> {
  await writeAudits(db, author, [entry]);
}

/** Many entries by one author in one statement per thousand (bulk changes such as a CSV import). */
export async function writeAudits(db: Db | Tx, author: Author, entries: AuditInput[]): Promise<void> {
  const actorKind: "system" | "api_token" | "user" = author === "system" ? "system" : isTokenRef(author) ? "api_token" : "user";
  const actorId = author === "system" ? null : author.id;
  for (let i = 0; i < entries.length; i += 1000) {
    await db.insert(auditLog).values(
      entries.slice(i, i + 1000).map((entry) => ({
        actorKind,
        actorId,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId ?? null,
        before: entry.before ?? null,
        after: entry.after ?? null,
      })),
    );
  }
}
