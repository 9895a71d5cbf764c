/**
 * Bulk set-up for benchmarks, written straight into the database because set-up speed is not
 * what is measured: users with ONE precomputed password hash, sessions signed the way
 * better-auth signs its cookie (HMAC-SHA256 of the token with AUTH_SECRET, base64, URL-encoded),
 * entity chats and their members.
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import pg from "pg";
import { type Db, openPostgres, type Database } from "~/db/client";
import { accounts, chatMembers, chats, entities, sessions, users } from "~/db/schema";
import { ensureCompanyChat } from "~/server/services/chat/open";
import { placeholderEmail } from "~/server/services/users";

export const BENCH_PASSWORD = "bench-password-1";
const SESSION_COOKIE = "better-auth.session_token";

export type ScratchDatabase = { url: string; name: string; database: Database; drop(): Promise<void> };

/** A new, migrated PostgreSQL database next to `serverUrl`'s; `drop()` closes and removes it. */
export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let database: Database;
  try {
    database = await openPostgres(url.toString());
  } catch (error) {
    await dropDatabase(serverUrl, name);
    throw error;
  }
  let dropped = false;
  return {
    url: url.toString(),
    name,
    database,
    async drop() {
      if (dropped) return;
      dropped = true;
      await database.close().catch(() => {});
      await dropDatabase(serverUrl, name);
    },
  };
}

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}

export function randomSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** The cookie better-auth sets for a session token (better-call's signCookieValue). */
export function sessionCookie(token: string, secret: string): string {
  const signature = createHmac("sha256", secret).update(token).digest("base64");
  return `${SESSION_COOKIE}=${encodeURIComponent(`${token}.${signature}`)}`;
}

export type BenchUser = { id: string; username: string; cookie: string };

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * `count` worker accounts, each with one session, all members of the company chat.
 * One password hash for all: hashing per user would take minutes.
 */
export async function createUsers(db: Db, count: number, secret: string, prefix = "bench"): Promise<BenchUser[]> {
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const expiresAt = new Date(Date.now() + 24 * 3600_000);
  const rows = Array.from({ length: count }, (_, i) => {
    const username = `${prefix}${i}`;
    return { id: randomUUID(), username, token: randomBytes(24).toString("base64url").replace(/[-_]/g, "x") };
  });
  for (const part of chunks(rows, 1000)) {
    await db.insert(users).values(
      part.map((r) => ({
        id: r.id,
        username: r.username,
        displayUsername: r.username,
        name: `Bench ${r.username}`,
        email: placeholderEmail(r.username),
        emailVerified: true,
        role: "worker" as const,
      })),
    );
    await db
      .insert(accounts)
      .values(part.map((r) => ({ id: randomUUID(), accountId: r.id, providerId: "credential", userId: r.id, password: passwordHash })));
    await db.insert(sessions).values(part.map((r) => ({ id: randomUUID(), token: r.token, userId: r.id, expiresAt })));
  }
  await ensureCompanyChat(db);
  return rows.map((r) => ({ id: r.id, username: r.username, cookie: sessionCookie(r.token, secret) }));
}

/** Entity chats (an order record each) with the given members; returns the chat ids in order. */
export async function createEntityChats(db: Db, memberLists: string[][], prefix = "BENCH"): Promise<string[]> {
  const ids: string[] = [];
  const indexed = memberLists.map((members, i) => ({ members, key: `${prefix}-${i}` }));
  for (const part of chunks(indexed, 500)) {
    await db.insert(entities).values(part.map((c) => ({ type: "order", key: c.key, title: `Order ${c.key}`, status: "picking" })));
    const created = await db
      .insert(chats)
      .values(part.map((c) => ({ kind: "entity" as const, entityType: "order", entityKey: c.key, title: `Order ${c.key}`, visibility: "private" as const })))
      .returning({ id: chats.id, key: chats.entityKey });
    const byKey = new Map(created.map((c) => [c.key, c.id]));
    const memberRows = part.flatMap((c) => c.members.map((userId) => ({ chatId: byKey.get(c.key)!, userId })));
    for (const rowsPart of chunks(memberRows, 5000)) await db.insert(chatMembers).values(rowsPart);
    for (const c of part) ids.push(byKey.get(c.key)!);
  }
  return ids;
}
