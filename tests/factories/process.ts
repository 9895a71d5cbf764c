import { type ChildProcess, spawn } from "node:child_process";

/** Runs a TypeScript entry point in a new Node process, as `npm start` does. */
export function spawnTs(file: string, args: string[] = [], env: Record<string, string | undefined> = {}): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", file, ...args], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** Resolves once the process has printed `text` on stdout. */
export function waitForOutput(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) resolve();
    });
    child.on("exit", (code) => reject(new Error(`exited with ${code} before printing ${text}: ${seen}`)));
  });
}

export function waitForExit(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
}

/**
 * Another process holding the embedded database in `dataDir` (tests/fixtures/hold-database.mts),
 * until the returned release() is awaited.
 */
export async function holdDatabaseElsewhere(dataDir: string) {
  const holder = spawnTs("tests/fixtures/hold-database.mts", [dataDir]);
  const exited = waitForExit(holder);
  await waitForOutput(holder, "ready");
  return {
    holder,
    release: () => {
      holder.stdin?.end();
      return exited;
    },
  };
}
