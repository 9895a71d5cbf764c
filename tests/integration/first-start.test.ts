import { type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { type Database, openPglite, openPostgres } from "~/db/client";
import { chatMembers, chats, entities, users } from "~/db/schema";
import { seedDemo } from "~/server/seed";
import { setPassword } from "~/server/services/set-password";
import { createScratchPostgres } from "../factories/db";
import { spawnTs, waitForOutput } from "../factories/process";

const serverUrl = process.env.DATABASE_URL;

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A free loopback port in 3400–3499 (the range set aside for app processes started by tests). */
async function freePort(): Promise<number> {
  const start = Math.floor(Math.random() * 100);
  for (let i = 0; i < 100; i++) {
    const port = 3400 + ((start + i) % 100);
    if (await isPortFree(port)) return port;
  }
  throw new Error("no free port in 3400–3499");
}

/** Environment for the server, and how the test opens the same database. */
type Store = { env: Record<string, string>; open: () => Promise<Database>; drop: () => Promise<void> };

/** An empty database for one server: a data directory, or a new PostgreSQL database. */
async function emptyStore(): Promise<Store> {
  if (!serverUrl) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-first-"));
    return { env: { DATA_DIR: dataDir, DATABASE_URL: "", REDIS_URL: "" }, open: () => openPglite(dataDir), drop: async () => {} };
  }
  const scratch = await createScratchPostgres(serverUrl);
  return {
    env: { DATABASE_URL: scratch.url, AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString("base64url") },
    open: () => openPostgres(scratch.url),
    drop: scratch.drop,
  };
}

type Server = { origin: string; child: ChildProcess; stdout: () => string; stderr: () => string };

/** server/main.ts as `npm start` runs it, resolved once it says it is ready. */
async function startServer(env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = spawnTs("server/main.ts", [], { ...env, NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(port), PUBLIC_URL: origin });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  await waitForOutput(child, "[floorchat] Ready on");
  return { origin, child, stdout: () => stdout, stderr: () => stderr };
}

async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  server.child.kill("SIGTERM");
  await exited;
}

async function signInStatus(server: Server, username: string, password: string): Promise<number> {
  const response = await fetch(`${server.origin}/api/auth/sign-in/username`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.origin },
    body: JSON.stringify({ username, password }),
  });
  return response.status;
}

// Each test starts the whole app (Next included) once or twice: tens of seconds on a busy machine.
describe("first start", { timeout: 300_000 }, () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function started(env: Record<string, string>): Promise<Server> {
    const server = await startServer(env);
    cleanups.push(() => stopServer(server));
    return server;
  }

  async function opened(store: Store): Promise<Database> {
    const database = await store.open();
    cleanups.push(() => database.close());
    return database;
  }

  it("with SEED_DEMO=0 creates only an admin, with a random password printed once that signs in", async () => {
    const store = await emptyStore();
    cleanups.push(store.drop);
    const first = await started({ ...store.env, SEED_DEMO: "0" });
    const printed = /Created admin with password (\S+); change it/.exec(first.stdout());
    expect(printed, first.stdout()).not.toBeNull();
    const password = printed![1]!;
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(await signInStatus(first, "admin", password)).toBe(200);
    expect(await signInStatus(first, "admin", "floorchat")).toBe(401);
    await stopServer(first);

    // Later starts print nothing secret.
    const second = await started({ ...store.env, SEED_DEMO: "0" });
    expect(second.stdout() + second.stderr()).not.toContain(password);
    expect(second.stdout()).not.toContain("Created admin");
    await stopServer(second);

    const database = await opened(store);
    const people = await database.db.select({ username: users.username, role: users.role, demoPassword: users.demoPassword }).from(users);
    expect(people).toEqual([{ username: "admin", role: "admin", demoPassword: false }]);
    expect(await database.db.select().from(entities)).toEqual([]);
    const company = await database.db
      .select({ username: users.username })
      .from(chats)
      .innerJoin(chatMembers, eq(chatMembers.chatId, chats.id))
      .innerJoin(users, eq(users.id, chatMembers.userId))
      .where(eq(chats.kind, "company"));
    expect(company).toEqual([{ username: "admin" }]);
  });

  it("warns, naming them, about the accounts whose demo password was never changed", async () => {
    const store = await emptyStore();
    cleanups.push(store.drop);
    const database = await store.open();
    await seedDemo(database.db);
    await setPassword(database.db, "system", { username: "picker", password: "a new long password" });
    await database.close();

    const server = await started({ ...store.env, SEED_DEMO: "1" });
    // Written just after the ready line, but on stderr, which may arrive after stdout's line.
    await new Promise<void>((resolve) => {
      const check = () => server.stderr().includes("demo sign-ins") && resolve();
      check();
      server.child.stderr?.on("data", check);
    });
    const warning = server.stderr().split("\n").find((line) => line.includes("demo sign-ins"));
    expect(warning).toContain('Warning: demo sign-ins still use the password "floorchat": admin, driver, manager, manager2, picker2.');
    expect(server.stdout()).not.toContain("demo sign-ins");
  });
});
