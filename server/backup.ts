/**
 * Backups of an embedded install (and of the files store in server mode): one gzipped tar
 * holding a manifest, the PGlite data directory as PGlite dumps it (consistent: PGlite runs one
 * query at a time and the dump is one of them), the generated auth secret, the local certificate
 * authority (DATA_DIR/tls) and the files.
 *
 * PGlite admits one process per data directory, so a backup of a running server is made by the
 * server itself: it records a loopback control address and a token in DATA_DIR/control.json
 * (0600), and `npm run backup` asks it there. With no server running the script opens the data
 * directory itself.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import path from "node:path";
import { PassThrough, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import tar from "tar-stream";
import { normalizeAddress } from "./http/client-address";

export const BACKUP_FORMAT = 1;
const MANIFEST = "floorchat-backup.json";
const PGDATA = "pgdata.tar.gz";
const AUTH_SECRET = "auth-secret";
/** Entries a backup may hold: nothing outside the data directory, no `..`, no links. */
const FILE_ENTRY = /^(files|tls)\/[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

export type BackupManifest = {
  format: typeof BACKUP_FORMAT;
  app: "floorchat";
  createdAt: string;
  /** "pglite": the database is inside; "postgres": it is not (pg_dump it). */
  database: "pglite" | "postgres";
  files: number;
};

export type BackupSource = {
  /** The PGlite dump (`dumpDataDir("gzip")`), or null in server mode. */
  pgdata: Blob | null;
  dataDir: string;
  /** Where the files store is on disk, or null when it is a bucket. */
  filesDir: string | null;
};

async function* walk(dir: string): AsyncGenerator<string> {
  let entries: fs.Dirent[];
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    // A write in progress (disk.ts writes *.part, then renames) is not a file yet.
    else if (entry.isFile() && !entry.name.endsWith(".part")) yield full;
  }
}

function addBuffer(pack: tar.Pack, name: string, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => pack.entry({ name, size: bytes.length, mode: 0o600 }, bytes, (error) => (error ? reject(error) : resolve())));
}

/** Writes a backup (gzipped tar) to `out`; resolves when all of it is written. */
export async function writeBackup(out: Writable, source: BackupSource): Promise<BackupManifest> {
  const pack = tar.pack();
  const gzip = zlib.createGzip();
  const done = pipeline(pack, gzip, out);
  const files: { name: string; full: string; size: number }[] = [];
  if (source.filesDir) {
    for await (const full of walk(source.filesDir)) {
      const name = `files/${path.relative(source.filesDir, full).split(path.sep).join("/")}`;
      if (!FILE_ENTRY.test(name)) continue;
      const stat = await fsp.stat(full).catch(() => null);
      if (stat) files.push({ name, full, size: stat.size });
    }
  }
  // The local certificate authority (npm run tls:local): losing its key would mean trusting a
  // new one on every tablet.
  const tls: { name: string; full: string }[] = [];
  for await (const full of walk(path.join(source.dataDir, "tls"))) {
    const name = `tls/${path.relative(path.join(source.dataDir, "tls"), full).split(path.sep).join("/")}`;
    if (FILE_ENTRY.test(name)) tls.push({ name, full });
  }
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    app: "floorchat",
    createdAt: new Date().toISOString(),
    database: source.pgdata ? "pglite" : "postgres",
    files: files.length,
  };
  try {
    await addBuffer(pack, MANIFEST, Buffer.from(JSON.stringify(manifest, null, 2)));
    if (source.pgdata) await addBuffer(pack, PGDATA, Buffer.from(await source.pgdata.arrayBuffer()));
    const secret = await fsp.readFile(path.join(source.dataDir, AUTH_SECRET)).catch(() => null);
    if (secret) await addBuffer(pack, AUTH_SECRET, secret);
    for (const file of tls) {
      const bytes = await fsp.readFile(file.full).catch(() => null);
      if (bytes) await addBuffer(pack, file.name, bytes);
    }
    for (const file of files) {
      // Read whole: a file is at most the upload limit (25 MB), and its size must be known
      // before its bytes (a file deleted meanwhile is left out: a deleted message's).
      const bytes = await fsp.readFile(file.full).catch(() => null);
      if (bytes) await addBuffer(pack, file.name, bytes);
    }
    pack.finalize();
  } catch (error) {
    pack.destroy(error as Error);
  }
  await done;
  return manifest;
}

/** Whether a directory has anything in it (a missing one has not). */
export async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await fsp.readdir(dir)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw error;
  }
}

export class BackupError extends Error {
  override name = "BackupError";
}

/**
 * Unpacks a backup into `staging` (a new, empty directory): the manifest, `pgdata.tar.gz`,
 * `auth-secret` and `files/…`. Anything else, or a manifest this version cannot read, is refused
 * before a byte of it is written.
 */
export async function unpackBackup(file: string, staging: string): Promise<{ manifest: BackupManifest; pgdata: Blob | null }> {
  const extract = tar.extract();
  let manifest: BackupManifest | null = null;
  let pgdata: Blob | null = null;
  let count = 0;
  extract.on("entry", (header, stream, next) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      const bytes = Buffer.concat(chunks);
      const { name } = header;
      if (header.type !== "file") throw new BackupError(`Not a Floorchat backup: "${name}" is not a plain file`);
      if (count++ === 0) {
        if (name !== MANIFEST) throw new BackupError("Not a Floorchat backup (it does not start with floorchat-backup.json)");
        const parsed = JSON.parse(bytes.toString("utf8")) as Partial<BackupManifest>;
        if (parsed.app !== "floorchat") throw new BackupError("Not a Floorchat backup");
        if (parsed.format !== BACKUP_FORMAT) throw new BackupError(`This backup's format (${String(parsed.format)}) is not one this version reads (${BACKUP_FORMAT})`);
        manifest = parsed as BackupManifest;
      } else if (name === PGDATA) {
        pgdata = new Blob([bytes]);
      } else if (name === AUTH_SECRET) {
        await fsp.writeFile(path.join(staging, AUTH_SECRET), bytes, { mode: 0o600 });
      } else if (FILE_ENTRY.test(name) && !name.split("/").includes("..")) {
        const target = path.join(staging, ...name.split("/"));
        await fsp.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
        // The certificate authority's and server's keys are secrets: readable by the owner only.
        await fsp.writeFile(target, bytes, { mode: name.startsWith("tls/") ? 0o600 : 0o644 });
      } else {
        throw new BackupError(`Not a Floorchat backup: unexpected entry "${name}"`);
      }
    })().then(() => next(), next);
  });
  try {
    await pipeline(fs.createReadStream(file), zlib.createGunzip(), extract);
  } catch (error) {
    if (error instanceof BackupError) throw error;
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new BackupError(`No such file: ${file}`);
    throw new BackupError(`Not a readable Floorchat backup (${(error as Error).message})`);
  }
  if (!manifest) throw new BackupError("Not a Floorchat backup (empty)");
  const read = manifest as BackupManifest;
  if (read.database === "pglite" && !pgdata) throw new BackupError("The backup has no database in it (pgdata.tar.gz is missing)");
  return { manifest: read, pgdata };
}

// --- The running server's side -----------------------------------------------------------

export const CONTROL_FILE = "control.json";
export type Control = { pid: number; url: string; token: string };

/**
 * Records where this server takes backup requests (embedded mode), readable by its owner only;
 * returns the check for requests to /internal/backup and the cleanup for shutdown.
 */
export function recordControl(dataDir: string, url: string): { token: string; remove: () => void } {
  const token = randomBytes(32).toString("base64url");
  const file = path.join(dataDir, CONTROL_FILE);
  const control: Control = { pid: process.pid, url, token };
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, JSON.stringify(control), { mode: 0o600, flag: "wx" });
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    process.off("exit", remove);
    fs.rmSync(file, { force: true });
  };
  process.on("exit", remove);
  return { token, remove };
}

/** The control record of a live server on this data directory, if there is one. */
export function readControl(dataDir: string): Control | null {
  try {
    const control = JSON.parse(fs.readFileSync(path.join(dataDir, CONTROL_FILE), "utf8")) as Control;
    process.kill(control.pid, 0);
    return control;
  } catch {
    return null;
  }
}

/**
 * POST /internal/backup on the server's own port: loopback only, with the control token;
 * answers the backup as it is written. Anything else is a 404, as for any unknown path.
 */
export function createBackupHandler(options: { token: string; source: () => Promise<BackupSource> }) {
  const expected = Buffer.from(options.token);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const peer = normalizeAddress(req.socket.remoteAddress ?? "");
    const given = Buffer.from(String(req.headers["x-floorchat-control"] ?? ""));
    const loopback = peer === "127.0.0.1" || peer === "::1";
    if (req.method !== "POST" || !loopback || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("Not found");
      return;
    }
    const source = await options.source();
    res.writeHead(200, { "Content-Type": "application/gzip", "Cache-Control": "no-store" });
    const body = new PassThrough();
    const sent = pipeline(body, res);
    await writeBackup(body, source);
    await sent;
  };
}

/**
 * Asks the running server for a backup and writes it to `out`. With TLS on the server speaks
 * https on its port; its certificate names the LAN, and this request stays on loopback with the
 * token as its proof, so the certificate is not checked here.
 */
export async function backupFromServer(control: Control, out: Writable): Promise<void> {
  const url = new URL("/internal/backup", control.url);
  const request = url.protocol === "https:" ? https.request : http.request;
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { "x-floorchat-control": control.token }, rejectUnauthorized: false }, resolve);
    req.on("error", reject);
    req.end();
  });
  if (response.statusCode !== 200) {
    response.resume();
    throw new BackupError(`The running server (pid ${control.pid}) refused the backup: HTTP ${response.statusCode}`);
  }
  await pipeline(response, out);
}
