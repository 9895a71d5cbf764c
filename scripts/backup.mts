/**
 * Backs up this install into one file:
 *
 *   npm run backup -- --out floorchat-2026-12-06.tar.gz
 *
 * Embedded mode: the database, the files and the generated auth secret. While the server runs it
 * makes the copy itself (asked through DATA_DIR/control.json), so there is no need to stop it;
 * with no server running this opens DATA_DIR itself. Server mode (DATABASE_URL): the files store
 * on disk, and how to pg_dump the database, which this cannot do consistently for you.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { DataDirLockedError } from "~/db/lock";
import { openPglite } from "~/db/client";
import { BackupError, backupFromServer, readControl, writeBackup } from "~/server/backup";
import { readEnv } from "./offline-database";

function fail(message: string): never {
  console.error(`[backup] ${message}`);
  process.exit(1);
}

const { values } = parseArgs({ options: { out: { type: "string" } } });
if (!values.out) fail("Say where to write it: npm run backup -- --out FILE");
const out = path.resolve(values.out);
if (fs.existsSync(out)) fail(`${out} exists already; name a new file.`);

const env = readEnv(fail);
const dataDir = path.resolve(env.DATA_DIR);
const filesDir = env.S3_BUCKET ? null : path.join(dataDir, "files");
// Written under a temporary name and renamed when complete: a failed backup leaves no file that
// looks like one.
const partial = `${out}.part`;

try {
  if (env.DATABASE_URL) {
    const manifest = await writeBackup(fs.createWriteStream(partial, { mode: 0o600 }), { pgdata: null, dataDir, filesDir });
    fs.renameSync(partial, out);
    console.log(`[backup] ${out}: ${manifest.files} file(s)${filesDir ? "" : " (none: they are in the S3 bucket)"}; the database is not in it.`);
    console.log('[backup] Back up PostgreSQL with: pg_dump --format=custom --file floorchat.pgdump "$DATABASE_URL"');
    if (env.S3_BUCKET) console.log(`[backup] Back up the bucket ${env.S3_BUCKET} with your provider's tools (versioning or a replica).`);
  } else {
    const control = readControl(dataDir);
    if (control) {
      await backupFromServer(control, fs.createWriteStream(partial, { mode: 0o600 }));
      fs.renameSync(partial, out);
      console.log(`[backup] ${out}: made by the running server (pid ${control.pid}).`);
    } else {
      if (!fs.existsSync(path.join(dataDir, "pgdata"))) fail(`No embedded database in ${dataDir} (set DATA_DIR, or DATABASE_URL for server mode).`);
      const database = await openPglite(dataDir).catch((error: unknown) => {
        if (error instanceof DataDirLockedError) fail(`${error.message}\nIts control record (${path.join(dataDir, "control.json")}) is missing: restart it, or stop it and back up again.`);
        throw error;
      });
      try {
        const manifest = await writeBackup(fs.createWriteStream(partial, { mode: 0o600 }), { pgdata: await database.dump!(), dataDir, filesDir });
        fs.renameSync(partial, out);
        console.log(`[backup] ${out}: the database and ${manifest.files} file(s).`);
      } finally {
        await database.close();
      }
    }
  }
} catch (error) {
  fs.rmSync(partial, { force: true });
  fail(error instanceof BackupError ? error.message : `Backup failed: ${(error as Error).message}`);
}
