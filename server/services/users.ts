import { randomUUID } from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import { accounts, chatMembers, chats, groupMembers, groups, sessions, users, type Role } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import { writeAudit } from "./audit";
import type { Deps } from "./deps";
import { hasPermission } from "./permissions";

/** Synthetic address: better-auth requires an email, Floorchat signs in by user name only. */
export function placeholderEmail(username: string): string {
  return `${username}@users.floorchat.invalid`;
}

export async function findActor(db: Db, userId: string): Promise<Actor | null> {
  const [row] = await db
    .select({ id: users.id, username: users.username, name: users.name, role: users.role })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deactivatedAt)));
  if (!row?.username) return null;
  return { id: row.id, username: row.username, name: row.name, role: row.role };
}

export async function getProfile(db: Db, actor: Actor) {
  const [row] = await db
    .select({
      id: users.id,
      username: users.username,
      name: users.name,
      role: users.role,
      status: users.status,
      statusText: users.statusText,
      locale: users.locale,
    })
    .from(users)
    .where(eq(users.id, actor.id));
  if (!row) throw new DomainError("not_found", "User not found");
  const memberOf = await db
    .select({ id: groups.id, name: groups.name, kind: groups.kind })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(eq(groupMembers.userId, actor.id))
    .orderBy(asc(groups.name));
  const can = {
    createRooms: await hasPermission(db, actor, "createRooms"),
    moderateMessages: await hasPermission(db, actor, "moderateMessages"),
    createRecords: await hasPermission(db, actor, "createRecords"),
    sms: await hasPermission(db, actor, "sms"),
  };
  return { ...row, username: row.username ?? actor.username, groups: memberOf, can };
}

export async function listUsers(db: Db) {
  return db
    .select({
      id: users.id,
      username: users.username,
      name: users.name,
      role: users.role,
      lastActiveAt: users.lastActiveAt,
      deactivated: sql<boolean>`${users.deactivatedAt} is not null`,
    })
    .from(users)
    .orderBy(asc(sql`lower(${users.name})`));
}

export type CreateUserInput = { username: string; name: string; password: string; role: Role };

export async function createUser(db: Db, actor: Actor | "system", input: CreateUserInput) {
  if (actor !== "system" && actor.role !== "admin") {
    throw new DomainError("forbidden", "Only an admin can create users");
  }
  const username = input.username.toLowerCase();
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.username, username));
    if (taken) throw new DomainError("conflict", "That user name is taken", { username: "That user name is taken" });
    const id = randomUUID();
    const [created] = await tx
      .insert(users)
      .values({
        id,
        username,
        displayUsername: input.username,
        name: input.name,
        email: placeholderEmail(username),
        emailVerified: true,
        role: input.role,
      })
      .returning({ id: users.id, username: users.username, name: users.name, role: users.role });
    // A new colleague joins the company chat with nothing unread.
    await tx.execute(sql`
      insert into ${chatMembers} (chat_id, user_id, last_read_seq)
      select ${chats.id}, ${id}, ${chats.lastSeq} from ${chats} where ${chats.kind} = 'company'`);
    await tx.insert(accounts).values({
      id: randomUUID(),
      accountId: id,
      providerId: "credential",
      userId: id,
      password: passwordHash,
    });
    await writeAudit(tx, actor, {
      action: "user.create",
      targetType: "user",
      targetId: id,
      after: { username, name: input.name, role: input.role },
    });
    return { ...created!, username };
  });
}

function assertAdmin(actor: Actor, doing: string) {
  if (actor.role !== "admin") throw new DomainError("forbidden", `Only an admin can ${doing}`);
}

/**
 * Takes effect at once: the account can no longer sign in, its sessions are deleted (every
 * device is signed out) and, after commit, every instance ends its live streams. API tokens the
 * person created are the organisation's integrations and stay as they are.
 */
export async function deactivateUser(deps: Pick<Deps, "db" | "realtime" | "sessions">, actor: Actor, input: { userId: string }) {
  assertAdmin(actor, "deactivate people");
  // Nobody else could undo it if the last admin did this to themselves.
  if (input.userId === actor.id) throw new DomainError("invalid", "You cannot deactivate your own account");
  const deactivatedAt = await deps.db.transaction(async (tx) => {
    const [user] = await tx.select({ deactivatedAt: users.deactivatedAt }).from(users).where(eq(users.id, input.userId)).for("update");
    if (!user) throw new DomainError("not_found", "User not found");
    if (user.deactivatedAt) return user.deactivatedAt;
    const [updated] = await tx
      .update(users)
      .set({ deactivatedAt: sql`now()` })
      .where(eq(users.id, input.userId))
      .returning({ deactivatedAt: users.deactivatedAt });
    await tx.delete(sessions).where(eq(sessions.userId, input.userId));
    await writeAudit(tx, actor, { action: "user.deactivate", targetType: "user", targetId: input.userId });
    return updated!.deactivatedAt!;
  });
  // Also when it was already deactivated: a stream that slipped in meanwhile is ended too, and
  // no instance goes on believing a session it resolved before the commit.
  deps.sessions.forgetUser(input.userId);
  deps.realtime.publish([{ event: { type: "user.deactivated", userId: input.userId }, only: [input.userId] }]);
  return { id: input.userId, deactivatedAt };
}

/** The person signs in again with their password; nothing else of theirs was removed. */
export async function reactivateUser(db: Db, actor: Actor, input: { userId: string }) {
  assertAdmin(actor, "reactivate people");
  return db.transaction(async (tx) => {
    const [user] = await tx.select({ deactivatedAt: users.deactivatedAt }).from(users).where(eq(users.id, input.userId)).for("update");
    if (!user) throw new DomainError("not_found", "User not found");
    if (user.deactivatedAt) {
      await tx.update(users).set({ deactivatedAt: null }).where(eq(users.id, input.userId));
      await writeAudit(tx, actor, { action: "user.reactivate", targetType: "user", targetId: input.userId });
    }
    return { id: input.userId, deactivatedAt: null };
  });
}
