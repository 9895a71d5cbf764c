import { randomUUID } from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import { accounts, chatMembers, chats, groupMembers, groups, users, type Role } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import { writeAudit } from "./audit";
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
