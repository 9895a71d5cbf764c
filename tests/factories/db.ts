import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import pg from "pg";
import { inject } from "vitest";
import { type Database, openPglite, openPostgres } from "~/db/client";
import { PGLITE_TEMPLATE } from "./pglite-template";

/** A new, empty PostgreSQL database beside `serverUrl`'s: its URL, and how to drop it again. */
export async function createScratchPostgres(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `floorchat_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
    },
  };
}

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, a new PostgreSQL
 * database (dropped afterwards) when DATABASE_URL is set — so CI runs every test on both.
 */
export async function createTestDatabase(): Promise<Database> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return openPglite(undefined, { template: await pgliteTemplate() });
  const scratch = await createScratchPostgres(serverUrl);
  const database = await openPostgres(scratch.url);
  return {
    ...database,
    async close() {
      await database.close();
      await scratch.drop();
    },
  };
}

let template: Promise<Blob | undefined> | undefined;

/** The migrated database tests/factories/pglite-template.ts dumped before the run, if it did. */
function pgliteTemplate(): Promise<Blob | undefined> {
  const file = inject(PGLITE_TEMPLATE);
  template ??= file ? fs.readFile(file).then((bytes) => new Blob([bytes])) : Promise.resolve(undefined);
  return template;
}
