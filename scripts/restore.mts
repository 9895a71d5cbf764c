/**
 * Restores a backup made by `npm run backup` into DATA_DIR:
 *
 *   npm run restore -- floorchat-2026-12-06.tar.gz [--force]
 *
 * A DATA_DIR with anything in it is left alone unless --force is given, and never replaced
 * while a server has it open. The backup is unpacked and its database opened beside DATA_DIR
 * first; only a restore that worked replaces what was there.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { lockDataDir } from "~/db/lock";
import { BackupError, isEmptyDir, unpackBackup } from "~/server/backup";
import { readEnv } from "./offline-database";

function fail(message: string): never {
  console.error(`[restore] ${message}`);
  process.exit(1);
}

const { values, positionals } = parseArgs({ options: { force: { type: "boolean", default: false } }, allowPositionals: true });
if (positionals.length !== 1) fail("Name the backup: npm run restore -- FILE [--force]");
const file = path.resolve(positionals[0]!);

const env = readEnv(fail);
const dataDir = path.resolve(env.DATA_DIR);
if (!(await isEmptyDir(dataDir)) && !values.force) {
  fail(`${dataDir} is not empty. Restore into an empty DATA_DIR, or add --force to replace what is there.`);
}

// Holding the lock: no server starts on DATA_DIR meanwhile, and a running one makes this fail.
let release: () => void;
try {
  release = lockDataDir(dataDir);
} catch (error) {
  fail((error as Error).message);
}
let problem: string | null = null;
const staging = fs.mkdtempSync(path.join(path.dirname(dataDir), `.${path.basename(dataDir)}.restore-`));
try {
  const { manifest, pgdata } = await unpackBackup(file, staging);
  if (manifest.database === "postgres") {
    console.log("[restore] This backup holds the files only: restore the database with pg_restore.");
  } else {
    // PGlite writes the dump into a new data directory as it opens it; a query proves it whole.
    const client = await PGlite.create(path.join(staging, "pgdata"), { loadDataDir: pgdata! });
    try {
      await client.query("select count(*) from users");
    } finally {
      await client.close();
    }
  }
  for (const name of ["pgdata", "files", "tls", "auth-secret", "control.json"]) fs.rmSync(path.join(dataDir, name), { recursive: true, force: true });
  for (const name of fs.readdirSync(staging)) fs.renameSync(path.join(staging, name), path.join(dataDir, name));
  console.log(`[restore] ${dataDir}: restored the backup of ${manifest.createdAt} (${manifest.files} file(s)). Start the server: npm start`);
} catch (error) {
  problem = error instanceof BackupError ? error.message : `Restore failed: ${(error as Error).message}`;
} finally {
  fs.rmSync(staging, { recursive: true, force: true });
  release();
}
if (problem) fail(problem);
