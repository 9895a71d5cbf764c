import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Database, openPglite, openPostgres } from "~/db/client";
import { DEMO_PASSWORD, seedDemo } from "~/server/seed";
import { demoPasswordAccounts } from "~/server/services/demo-password";
import { createSessionCache } from "~/server/auth-cache";
import { type Bus, createBus } from "~/server/realtime/bus";
import { createTestAuth, signIn, signInRequest } from "../factories/auth";
import { createScratchPostgres } from "../factories/db";
import { holdDatabaseElsewhere, spawnTs, waitForExit } from "../factories/process";

const serverUrl = process.env.DATABASE_URL;

/**
 * Resolves once `bus` delivers a marker published now: Redis delivers in the order it took the
 * publishes, so by then every message published before (the script's, acknowledged before it
 * exited) has been delivered too.
 */
function heardEverythingSentBefore(bus: Bus): Promise<void> {
  const channel = `test-marker-${randomUUID()}`;
  return new Promise((resolve, reject) => {
    const stop = bus.subscribe((heard) => {
      if (heard !== channel) return;
      stop();
      resolve();
    });
    bus.publish(channel, "").catch(reject);
  });
}

/** Environment for the script, and how the test opens the same database. */
type Store = { env: Record<string, string>; dataDir?: string; open: () => Promise<Database>; drop: () => Promise<void> };

/**
 * A database the script and the test open in turn: an embedded data directory, or a new
 * PostgreSQL database when DATABASE_URL is set (dropped by `drop`).
 */
async function scratchStore(): Promise<Store> {
  if (!serverUrl) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-password-"));
    return { env: { DATA_DIR: dataDir, DATABASE_URL: "", REDIS_URL: "" }, dataDir, open: () => openPglite(dataDir), drop: async () => {} };
  }
  const scratch = await createScratchPostgres(serverUrl);
  return {
    env: { DATABASE_URL: scratch.url, AUTH_SECRET: "a-secret-the-script-never-uses-x" },
    open: () => openPostgres(scratch.url),
    drop: scratch.drop,
  };
}

/** `npm run user:password` (scripts/user-password.mts), run offline against the database. */
// Each test starts Node processes and opens the database up to three times, so these get more
// time than the default.
describe("user:password for admins at the server's console", { timeout: 120_000 }, () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A store seeded with the demo people, closed again so the script can open it. */
  async function seededStore() {
    const store = await scratchStore();
    cleanups.push(store.drop);
    const database = await store.open();
    await seedDemo(database.db);
    await database.close();
    return store;
  }

  const run = (env: Record<string, string>, args: string[], stdin = "") => {
    const child = spawnTs("scripts/user-password.mts", args, env);
    const exited = waitForExit(child);
    child.stdin?.end(stdin);
    return exited;
  };

  async function reopen(store: Store): Promise<Database> {
    const database = await store.open();
    cleanups.push(() => database.close());
    return database;
  }

  const signInStatus = async (database: Database, username: string, password: string) =>
    (await createTestAuth(database.db).handler(signInRequest(username, password))).status;

  it("sets the password read from stdin: the demo password stops working, the new one works, the warning goes", async () => {
    const store = await seededStore();
    const result = await run(store.env, ["--user", "picker"], "a new long password\n");
    expect(result.stderr).toContain("Set the password of picker");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");

    const database = await reopen(store);
    expect(await signInStatus(database, "picker", DEMO_PASSWORD)).toBe(401);
    expect(await signInStatus(database, "picker", "a new long password")).toBe(200);
    expect(await demoPasswordAccounts(database.db)).not.toContain("picker");
    expect(await demoPasswordAccounts(database.db)).toContain("picker2");
  });

  it("with --random prints only a new password of 16 or more characters, which signs in", async () => {
    const store = await seededStore();
    const result = await run(store.env, ["--user", "admin", "--random"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]{16,}\n$/);

    const database = await reopen(store);
    expect(await signInStatus(database, "admin", result.stdout.trim())).toBe(200);
    expect(await signInStatus(database, "admin", DEMO_PASSWORD)).toBe(401);
  });

  it("refuses a password under 8 characters and a user nobody has, changing nothing", async () => {
    const store = await seededStore();
    const short = await run(store.env, ["--user", "picker"], "short\n");
    expect(short.code).toBe(1);
    expect(short.stderr).toContain("8–128 characters");
    const unknown = await run(store.env, ["--user", "nobody", "--random"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toContain("No user is called nobody");

    const database = await reopen(store);
    expect(await signInStatus(database, "picker", DEMO_PASSWORD)).toBe(200);
  });

  it.skipIf(!serverUrl || !process.env.REDIS_URL)("refuses a session a running instance has cached at once, telling it over Redis", async () => {
    const store = await seededStore();
    const database = await reopen(store);
    // A running instance: its cache on the bus the script publishes to (the default namespace).
    const bus = await createBus(process.env.REDIS_URL);
    cleanups.push(() => bus.close());
    const sessions = createSessionCache({ bus });
    cleanups.push(() => sessions.close());
    const auth = createTestAuth(database.db, sessions);
    const headers = new Headers({ cookie: await signIn(auth, "picker", DEMO_PASSWORD) });
    expect(await sessions.actor(auth, database.db, headers)).toMatchObject({ username: "picker" });

    const result = await run(store.env, ["--user", "picker", "--random"]);
    expect(result.code).toBe(0);
    await heardEverythingSentBefore(bus);

    // Still fresh by its TTL: only the announcement can have dropped it.
    expect(await sessions.actor(auth, database.db, headers)).toBeNull();
  });

  it.skipIf(serverUrl)("refuses with a clear message, changing nothing, while the server holds the embedded database", async () => {
    const store = await seededStore();
    const { holder, release } = await holdDatabaseElsewhere(store.dataDir!);
    const result = await run(store.env, ["--user", "picker", "--random"]);
    await release();
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`pid ${holder.pid}`);
    expect(result.stderr).toContain("stop it and run this again");

    const database = await reopen(store);
    expect(await signInStatus(database, "picker", DEMO_PASSWORD)).toBe(200);
  });
});
