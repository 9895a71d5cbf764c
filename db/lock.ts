import fs from "node:fs";
import path from "node:path";

/**
 * PGlite is a single-process database: two processes writing one data directory corrupt it.
 * A lock file naming the owner makes a second process fail fast with a clear message.
 */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by another Floorchat process (pid ${ownerPid}). ` +
        "Stop that process first, or set DATABASE_URL (PostgreSQL) to run several processes.",
    );
    this.name = "DataDirLockedError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const readText = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
};

/** This boot of the machine (Linux); a lock written before a reboot names a process long gone. */
export const currentBootId = (): string | undefined => readText("/proc/sys/kernel/random/boot_id")?.trim() || undefined;

/**
 * When a process started, in clock ticks since boot (field 22 of /proc/<pid>/stat), or
 * undefined without /proc or such a process. A pid is reused (after a reboot, in a restarted
 * container where every process has a small pid); pid and start time together are not.
 */
export function processStartTime(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  // Field 2, the command name, is in parentheses and may hold spaces and ")" itself.
  return stat?.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
}

/** What the lock file records: the owner's pid, and where /proc has them its boot and start time. */
type Owner = { pid: number; bootId?: string; startTime?: string };

function readOwner(lockPath: string): Owner | undefined {
  const text = readText(lockPath);
  if (text === undefined) return undefined;
  try {
    const owner = JSON.parse(text) as Partial<Owner> | number;
    // A bare number: a lock written by an earlier version, which recorded the pid alone.
    if (typeof owner === "number") return Number.isSafeInteger(owner) ? { pid: owner } : undefined;
    return Number.isSafeInteger(owner.pid) ? { pid: owner.pid!, bootId: owner.bootId, startTime: owner.startTime } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the recorded owner still runs: same boot and, where both start times can be read,
 * the same process start; otherwise (no /proc, another user's process hidden) whether the pid
 * exists, erring towards refusing to start rather than sharing the directory.
 */
function isHeld(owner: Owner): boolean {
  const bootId = currentBootId();
  if (owner.bootId && bootId && owner.bootId !== bootId) return false;
  const startTime = processStartTime(owner.pid);
  if (owner.startTime && startTime) return owner.startTime === startTime;
  return isAlive(owner.pid);
}

/** Takes the data directory's lock or throws `DataDirLockedError`; returns the release function. */
export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, "floorchat.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockPath, "wx", 0o600);
      const owner: Owner = { pid: process.pid, bootId: currentBootId(), startTime: processStartTime(process.pid) };
      fs.writeSync(fd, JSON.stringify(owner));
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off("exit", release);
        if (readOwner(lockPath)?.pid === process.pid) fs.rmSync(lockPath, { force: true });
      };
      process.on("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = readOwner(lockPath);
      // Our own pid included: held by this very process (opened twice) or, with another start
      // time, left by an earlier one that had the same pid (pid 1 in a restarted container).
      if (owner && isHeld(owner)) throw new DataDirLockedError(dataDir, owner.pid);
      // The owner died without cleaning up (crash, kill -9, a reboot), or its pid now belongs
      // to another process: the lock is stale.
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new DataDirLockedError(dataDir, readOwner(lockPath)?.pid ?? -1);
}
