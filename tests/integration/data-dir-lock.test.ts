import { spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openPglite } from "~/db/client";
import { DataDirLockedError, currentBootId, lockDataDir, processStartTime } from "~/db/lock";
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

  describe.skipIf(!fs.existsSync("/proc/self/stat"))("a pid that now belongs to another process (Linux /proc)", () => {
    /** A live process that is not Floorchat: what a recorded pid can become after a reboot. */
    async function otherProcess() {
      const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1e6)"], { stdio: "ignore" });
      await once(child, "spawn");
      cleanups.push(async () => {
        const exited = once(child, "exit");
        child.kill();
        await exited;
      });
      return { pid: child.pid!, startTime: processStartTime(child.pid!)! };
    }

    function lockFile(owner: object) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-lock-"));
      fs.writeFileSync(path.join(dataDir, "floorchat.lock"), JSON.stringify(owner));
      return dataDir;
    }

    function takesOver(dataDir: string) {
      const release = lockDataDir(dataDir);
      cleanups.push(release);
      expect(JSON.parse(fs.readFileSync(path.join(dataDir, "floorchat.lock"), "utf8"))).toMatchObject({ pid: process.pid, startTime: processStartTime(process.pid) });
    }

    it("takes over a lock whose live pid started at another time than the recorded owner", async () => {
      const other = await otherProcess();
      takesOver(lockFile({ pid: other.pid, bootId: currentBootId(), startTime: String(Number(other.startTime) + 1) }));
    });

    it("takes over a lock written during another boot, even though its pid is alive now", async () => {
      const other = await otherProcess();
      takesOver(lockFile({ pid: other.pid, bootId: "00000000-0000-4000-8000-000000000000", startTime: other.startTime }));
    });

    it("takes over a lock naming this process's own pid from an earlier start (pid 1 in a restarted container)", () => {
      takesOver(lockFile({ pid: process.pid, bootId: currentBootId(), startTime: "1" }));
    });

    it("still refuses when the recorded pid, boot and start time are the live owner's", async () => {
      const other = await otherProcess();
      const dataDir = lockFile({ pid: other.pid, bootId: currentBootId(), startTime: other.startTime });
      expect(() => lockDataDir(dataDir)).toThrow(DataDirLockedError);
    });
  });
});
