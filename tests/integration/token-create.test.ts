import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openPglite } from "~/db/client";
import { authenticateToken } from "~/server/services/tokens";
import { holdDatabaseElsewhere, spawnTs, waitForExit } from "../factories/process";

/** `npm run token:create` (scripts/token-create.mts) on the embedded database. */
// Each test starts a Node process that may create and migrate a new PGlite directory (seconds
// on a busy machine), so these get more time than the default.
describe("token:create for setup scripts", { timeout: 90_000 }, () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const run = (dataDir: string, args: string[]) =>
    waitForExit(spawnTs("scripts/token-create.mts", args, { DATA_DIR: dataDir, DATABASE_URL: "", REDIS_URL: "" }));

  it("creates and migrates a fresh data directory and prints only a token that then authenticates", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-token-"));
    const result = await run(dataDir, ["--name", "ERP sync", "--scopes", "entities:write,read"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^fct_[\w-]{32}\n$/);
    const database = await openPglite(dataDir);
    cleanups.push(() => database.close());
    const principal = await authenticateToken(database.db, `Bearer ${result.stdout.trim()}`);
    expect(principal).toMatchObject({ name: "ERP sync", scopes: ["entities:write", "read"], chatId: null });
  });

  it("refuses with a clear message, and prints no token, while another process holds the directory", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-token-"));
    const { holder, release } = await holdDatabaseElsewhere(dataDir);
    cleanups.push(release);
    const result = await run(dataDir, ["--name", "ERP sync", "--scopes", "read"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/Admin → API tokens/);
    expect(result.stderr).toContain(`pid ${holder.pid}`);
  });

  it("refuses an unknown scope, naming the scopes there are", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-token-"));
    const result = await run(dataDir, ["--name", "x", "--scopes", "write-everything"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("entities:write,chats:write,approvals:write,sms:write,read");
  });
});
