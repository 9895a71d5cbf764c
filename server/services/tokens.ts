import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Db, Tx } from "~/db/client";
import { apiTokens, chats } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import { writeAudit } from "./audit";

/** What a token may do (PRODUCT.md A2). */
export const SCOPES = ["entities:write", "chats:write", "approvals:write", "sms:write", "read"] as const;
export type Scope = (typeof SCOPES)[number];

/** The caller of a REST request. */
export type TokenPrincipal = { id: string; name: string; scopes: Scope[]; chatId: string | null };

const TOKEN_PREFIX = "fct_";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export type CreateTokenInput = { name: string; scopes: Scope[]; chatId?: string | null };

/** Creates a token and returns it once; only its hash is stored. */
export async function createToken(db: Db, actor: Actor | "system", input: CreateTokenInput) {
  if (input.chatId) {
    const [chat] = await db.select({ id: chats.id }).from(chats).where(eq(chats.id, input.chatId));
    if (!chat) throw new DomainError("invalid", "No such chat", { chatId: "No such chat" });
  }
  const token = TOKEN_PREFIX + randomBytes(24).toString("base64url");
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({
        name: input.name,
        tokenHash: hashToken(token),
        prefix: token.slice(0, TOKEN_PREFIX.length + 6),
        scopes: [...new Set(input.scopes)],
        chatId: input.chatId ?? null,
        createdBy: actor === "system" ? null : actor.id,
      })
      .returning();
    await writeAudit(tx, actor, { action: "token.create", targetType: "api_token", targetId: row!.id, after: { name: input.name, scopes: input.scopes, chatId: input.chatId ?? null } });
    return { token, id: row!.id, name: row!.name, scopes: row!.scopes as Scope[], chatId: row!.chatId, prefix: row!.prefix, createdAt: row!.createdAt };
  });
}

export async function listTokens(db: Db) {
  const rows = await db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      scopes: apiTokens.scopes,
      chatId: apiTokens.chatId,
      chatTitle: chats.title,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .leftJoin(chats, eq(chats.id, apiTokens.chatId))
    .orderBy(desc(apiTokens.createdAt));
  return rows.map((r) => ({ ...r, scopes: r.scopes as Scope[] }));
}

export async function revokeToken(db: Db, actor: Actor, tokenId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, now())` })
      .where(eq(apiTokens.id, tokenId))
      .returning({ id: apiTokens.id });
    if (!row) throw new DomainError("not_found", "No such token");
    await writeAudit(tx, actor, { action: "token.revoke", targetType: "api_token", targetId: tokenId });
  });
}

/**
 * The principal of `Authorization: Bearer <token>`. Unknown, malformed and revoked tokens are
 * all 401 with one message; revocation applies to the next request (no cache).
 */
export async function authenticateToken(db: Db | Tx, authorization: string | null): Promise<TokenPrincipal> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  if (!match) throw new DomainError("unauthorized", "Send an API token as 'Authorization: Bearer <token>'");
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, hashToken(match[1]!)), isNull(apiTokens.revokedAt)));
  if (!row) throw new DomainError("unauthorized", "Unknown or revoked API token");
  // Last use to the minute: one write per token per minute, not one per request.
  await db
    .update(apiTokens)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiTokens.id, row.id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, sql`now() - interval '1 minute'`))));
  return { id: row.id, name: row.name, scopes: row.scopes as Scope[], chatId: row.chatId };
}

/** A token bound to one chat may act only there. */
export function assertTokenChat(token: Pick<TokenPrincipal, "chatId">, chatId: string): void {
  if (token.chatId && token.chatId !== chatId) throw new DomainError("forbidden", "This token may only post to its own chat");
}

/** A token bound to one chat cannot open others (system chats, approvals on other records). */
export function assertUnbound(token: TokenPrincipal): void {
  if (token.chatId) throw new DomainError("forbidden", "This token is bound to one chat");
}
