import { and, eq, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database } from "~/db/client";
import { chatAccess, chatMembers, chats, groupMembers, groups, settings, users } from "~/db/schema";
import { canReadChat, chatAudience } from "~/server/services/access";
import { RECORD_TYPE_SETTING_PREFIX } from "~/server/services/record-types";
import { createUser } from "~/server/services/users";
import { createTestDatabase } from "../factories/db";

/**
 * The hub routes live events by chatAudience, which reads one chat's access tables; the lists
 * and the backfill use canReadChat. Both must name the same people.
 */
describe("chatAudience", () => {
  let database: Database;
  const ids: Record<string, string> = {};
  const chatIds: Record<string, string> = {};

  beforeAll(async () => {
    database = await createTestDatabase();
    const { db } = database;
    for (const name of ["creator", "listed", "inGroup", "member", "outsider", "deactivated"]) {
      ids[name] = (await createUser(db, "system", { username: name.toLowerCase(), name, role: "worker", password: "correct horse battery" })).id;
    }
    await db.update(users).set({ deactivatedAt: new Date() }).where(eq(users.id, ids.deactivated!));
    const [group] = await db.insert(groups).values({ name: "Night shift" }).returning();
    await db.insert(groupMembers).values([ids.inGroup!, ids.deactivated!].map((userId) => ({ groupId: group!.id, userId })));
    const insertChat = async (name: string, values: typeof chats.$inferInsert) => {
      chatIds[name] = (await db.insert(chats).values(values).returning())[0]!.id;
      return chatIds[name];
    };
    await insertChat("company", { kind: "company" });
    await insertChat("public room", { kind: "room", visibility: "public", createdBy: ids.creator });
    for (const name of ["private room", "open record", "members-only record"]) {
      const chatId = await insertChat(
        name,
        name === "private room"
          ? { kind: "room", createdBy: ids.creator }
          : { kind: "entity", entityType: name === "open record" ? "order" : "contract", entityKey: "K-1", createdBy: ids.creator },
      );
      await db.insert(chatAccess).values([{ chatId, userId: ids.listed }, { chatId, groupId: group!.id }]);
      await db.insert(chatMembers).values([ids.member!, ids.deactivated!].map((userId) => ({ chatId, userId })));
    }
    await db.insert(settings).values({ key: `${RECORD_TYPE_SETTING_PREFIX}contract.visibility`, value: "members" });
    const systemChat = await insertChat("system", { kind: "system" });
    await db.insert(chatMembers).values([ids.member!, ids.deactivated!].map((userId) => ({ chatId: systemChat, userId })));
  });
  afterAll(() => database.close());

  it("names exactly the active users canReadChat lets read the chat", async () => {
    const { db } = database;
    for (const [name, chatId] of Object.entries(chatIds)) {
      const readers = await db
        .select({ id: users.id })
        .from(users)
        .innerJoin(chats, eq(chats.id, chatId))
        .where(and(isNull(users.deactivatedAt), canReadChat(sql`${users.id}`)));
      const audience = await chatAudience(db, chatId);
      const expected = new Set(readers.map((r) => r.id));
      if (audience?.all) expect(expected.size, name).toBe(Object.keys(ids).length - 1);
      else expect([name, audience?.userIds], name).toEqual([name, expected]);
    }
  });

  it("reads the access list, not the members, for a record type set to members only", async () => {
    const audience = await chatAudience(database.db, chatIds["members-only record"]!);
    expect(audience).toEqual({ all: false, userIds: new Set([ids.listed, ids.inGroup]) });
  });

  it("is null for a chat that does not exist", async () => {
    expect(await chatAudience(database.db, "00000000-0000-0000-0000-000000000000")).toBeNull();
  });
});
