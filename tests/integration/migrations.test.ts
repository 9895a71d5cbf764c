import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { type Database, openPglite, rawRows } from "~/db/client";
import { createTestDatabase } from "../factories/db";

const journal = JSON.parse(fs.readFileSync(path.join(process.cwd(), "db/migrations/meta/_journal.json"), "utf8")) as {
  entries: { tag: string }[];
};

const expectedTables = [
  "accounts",
  "api_tokens",
  "approval_votes",
  "approvals",
  "attachments",
  "audit_log",
  "chat_access",
  "chat_members",
  "chats",
  "entities",
  "events",
  "group_members",
  "groups",
  "message_mentions",
  "message_reactions",
  "messages",
  "push_retries",
  "push_subscriptions",
  "quick_replies",
  "rota_shifts",
  "rotas",
  "sessions",
  "settings",
  "sign_in_throttle",
  "sms_contacts",
  "sms_messages",
  "users",
  "verifications",
  "webhook_deliveries",
  "webhooks",
];

async function tableNames(database: Database): Promise<string[]> {
  const rows = await rawRows<{ table_name: string }>(
    database.db,
    sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  );
  return rows.map((row) => row.table_name);
}

async function appliedMigrations(database: Database): Promise<number> {
  const [row] = await rawRows<{ n: number }>(database.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return row?.n ?? 0;
}

describe("migrations", () => {
  const opened: Database[] = [];
  afterAll(async () => {
    for (const database of opened) await database.close();
  });

  it("apply every migration to an empty database and create the data model's tables", async () => {
    const database = await createTestDatabase();
    opened.push(database);
    expect(await tableNames(database)).toEqual(expectedTables);
    expect(await appliedMigrations(database)).toBe(journal.entries.length);
  });

  it("leave an already migrated embedded database as it is when it is opened again", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-migrate-"));
    const first = await openPglite(dataDir);
    await first.db.execute(sql`insert into settings (key, value) values ('probe', '1'::jsonb)`);
    await first.close();
    const second = await openPglite(dataDir);
    opened.push(second);
    const rows = await rawRows<{ key: string }>(second.db, sql`select key from settings`);
    expect(rows.map((row) => row.key)).toEqual(["probe"]);
    expect(await appliedMigrations(second)).toBe(journal.entries.length);
  });
});
