import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openPglite } from "~/db/client";
import { DataDirLockedError } from "~/db/lock";
import { holdDatabaseElsewhere, spawnTs, waitForExit, waitForOutput } from "../factories/process";

// These tests start Node processes that open PGlite (seconds on a busy machine): more time than the default.
describe("embedded database lock", { timeout: 90_000 }, () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function holdInAnotherProcess(dataDir: string) {
    const { holder, release } = await holdDatabaseElsewhere(dataDir);
    cleanups.push(release);
    return holder;
  }

  it("refuses a second process with a message naming the directory and the owner", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-lock-"));
    const holder = await holdInAnotherProcess(dataDir);
    const error = await openPglite(dataDir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect((error as Error).message).toContain(dataDir);
    expect((error as Error).message).toContain(`pid ${holder.pid}`);
  });

  it("makes a second server exit at start-up with one clear line", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-lock-"));
    await holdInAnotherProcess(dataDir);
    const second = await waitForExit(
      spawnTs("server/main.ts", [], { DATA_DIR: dataDir, DATABASE_URL: "", REDIS_URL: "", PORT: "3999" }),
    );
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/in use by another Floorchat process/);
  });

  it("takes over a lock left by a process that died", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-lock-"));
    const dead = spawnTs("tests/fixtures/hold-database.mts", [dataDir]);
    await waitForOutput(dead, "ready");
    const exited = waitForExit(dead);
    dead.kill("SIGKILL");
    await exited;
    expect(fs.existsSync(path.join(dataDir, "floorchat.lock"))).toBe(true);
    const database = await openPglite(dataDir);
    cleanups.push(() => database.close());
    await database.ping();
  });
});
