import { randomBytes, randomUUID } from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import { and, eq } from "drizzle-orm";
import type { Db } from "~/db/client";
import { accounts, sessions, users } from "~/db/schema";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "~/contracts/limits";
import { DomainError } from "~/server/domain-error";
import { type Author, writeAudit } from "./audit";


/** 24 characters from 18 random bytes (144 bits), base64url so it survives copy and paste. */
export function randomPassword(): string {
  return randomBytes(18).toString("base64url");
}

/**
 * Sets someone's password as an admin does from the command line (`npm run user:password`):
 * hashed as better-auth hashes it, the demo-password flag cleared, and every session of theirs
 * ended, so whoever signed in with the old password is out. The password is never audited.
 */
export async function setPassword(db: Db, author: Author, input: { username: string; password: string }): Promise<{ id: string; username: string }> {
  if (input.password.length < PASSWORD_MIN_LENGTH || input.password.length > PASSWORD_MAX_LENGTH) {
    throw new DomainError("invalid", `The password must be ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters`, {
      password: `${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters`,
    });
  }
  const username = input.username.trim().toLowerCase();
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [user] = await tx.select({ id: users.id, demoPassword: users.demoPassword }).from(users).where(eq(users.username, username));
    if (!user) throw new DomainError("not_found", `No user is called ${username}`);
    const updated = await tx
      .update(accounts)
      .set({ password: passwordHash })
      .where(and(eq(accounts.userId, user.id), eq(accounts.providerId, "credential")))
      .returning({ id: accounts.id });
    // Every account Floorchat creates has a credential row; one made some other way gets its first.
    if (updated.length === 0) {
      await tx.insert(accounts).values({ id: randomUUID(), accountId: user.id, providerId: "credential", userId: user.id, password: passwordHash });
    }
    await tx.update(users).set({ demoPassword: false }).where(eq(users.id, user.id));
    const ended = await tx.delete(sessions).where(eq(sessions.userId, user.id)).returning({ id: sessions.id });
    await writeAudit(tx, author, {
      action: "user.password.set",
      targetType: "user",
      targetId: user.id,
      before: { demoPassword: user.demoPassword },
      after: { demoPassword: false, sessionsEnded: ended.length },
    });
    return { id: user.id, username };
  });
}
