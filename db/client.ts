import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { type SQL, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { DEFAULT_POOL_SIZE, type DatabaseKind, type Env, databaseKind } from "~/server/env";
import { lockDataDir } from "./lock";
import * as schema from "./schema";

/** Both engines behind one type: services and queries never know which one they run on. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Rows of a raw SQL query; both drivers return `{ rows }`, which the shared type cannot express. */
export async function rawRows<T>(db: Db | Tx, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (result as { rows: T[] }).rows;
}

export interface Database {
  db: Db;
  kind: DatabaseKind;
  /** Cheap round trip for health checks. */
  ping(): Promise<void>;
  /** A consistent copy of the embedded database (PGlite's data directory, gzipped tar). */
  dump?(): Promise<Blob>;
  /** The connection pool's state (server mode; PGlite has one connection and no pool). */
  poolStats?(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

const migrationsFolder = path.join(process.cwd(), "db", "migrations");

/**
 * Embedded PostgreSQL (WASM). `dataDir` undefined → in memory (tests). `template` (in memory only)
 * starts from a copy of a database dumped with `dumpDataDir`, which skips initdb: a third of the
 * time to open one, for test suites that open dozens.
 */
export async function openPglite(dataDir?: string, { template }: { template?: Blob } = {}): Promise<Database> {
  const release = dataDir ? lockDataDir(dataDir) : () => {};
  try {
    const client = dataDir
      ? await PGlite.create(path.join(dataDir, "pgdata"))
      : await PGlite.create(template ? { loadDataDir: template } : {});
    const db = drizzlePglite({ client, schema }) as unknown as Db;
    await migratePglite(drizzlePglite({ client }), { migrationsFolder });
    let closed = false;
    return {
      db,
      kind: "pglite",
      async ping() {
        if (closed) throw new Error("database is closed");
        await client.query("select 1");
      },
      dump: () => client.dumpDataDir("gzip"),
      async close() {
        if (closed) return;
        closed = true;
        await client.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/** An in-memory PGlite, migrated and dumped: the `template` for `openPglite`. */
export async function dumpMigratedPglite(): Promise<Blob> {
  const client = await PGlite.create();
  try {
    await migratePglite(drizzlePglite({ client }), { migrationsFolder });
    return await client.dumpDataDir("none");
  } finally {
    await client.close();
  }
}

export async function openPostgres(connectionString: string, poolSize = DEFAULT_POOL_SIZE): Promise<Database> {
  const pool = new pg.Pool({ connectionString, max: poolSize, connectionTimeoutMillis: 5_000 });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on("error", (error) => console.error("[db] idle client error:", error.message));
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  const client = await pool.connect();
  try {
    // Several instances may start together: one migrates, the others wait for it.
    await client.query("select pg_advisory_lock(7355608)");
    await migratePg(drizzlePg({ client }), { migrationsFolder });
  } finally {
    await client.query("select pg_advisory_unlock(7355608)").catch(() => {});
    client.release();
  }
  return {
    db,
    kind: "postgres",
    async ping() {
      await db.execute(sql`select 1`);
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await pool.end();
    },
  };
}

export function openDatabase(env: Env): Promise<Database> {
  return databaseKind(env) === "postgres" ? openPostgres(env.DATABASE_URL!, env.DATABASE_POOL_SIZE) : openPglite(env.DATA_DIR);
}

/**
 * The process-wide database. The custom server (server/main.ts) opens it before Next starts;
 * Next's bundled route handlers are a separate module graph, so the handle lives on globalThis
 * and both graphs share one connection pool — and, for PGlite, the one process allowed in.
 */
const key = Symbol.for("floorchat.database");
type Holder = { [key]?: Promise<Database> };

export function getDatabase(env: Env): Promise<Database> {
  const holder = globalThis as Holder;
  holder[key] ??= openDatabase(env);
  return holder[key];
}

export async function getDb(env: Env): Promise<Db> {
  return (await getDatabase(env)).db;
}
