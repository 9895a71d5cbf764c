import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageDto } from "~/contracts/messages";
import { type Wire, deserialize, serialize } from "~/lib/trpc/wire";
import { DEMO_PASSWORD } from "~/server/seed";
import { type AppProcess, freePorts, runScript as runProcess, signIn, startApp, stopApp, trpc, waitHealthy } from "../factories/app-process";

/**
 * `npm run backup` and `npm run restore` on an embedded install, as an operator runs them: a
 * backup of the running server, restored into a new data directory that a new server starts on.
 */
const embedded = { DATABASE_URL: "", REDIS_URL: "", AUTH_SECRET: "", S3_BUCKET: "", SEED_DEMO: "1" };

const runScript = (script: string, args: string[], env: Record<string, string>) => runProcess(script, args, { ...embedded, ...env });

describe.skipIf(process.env.DATABASE_URL)("backup and restore of an embedded install", () => {
  let root: string;
  let original: string;
  let restored: string;
  let backupFile: string;
  const apps: AppProcess[] = [];

  const start = async (dataDir: string) => {
    const [port] = await freePorts(1);
    const app = startApp(port!, { ...embedded, DATA_DIR: dataDir });
    apps.push(app);
    await waitHealthy(app);
    return app;
  };

  afterAll(async () => {
    await Promise.all(apps.map(stopApp));
    if (root) fs.rmSync(root, { recursive: true, force: true });
  }, 60_000);

  let token: string;
  let chatId: string;
  let file: { id: string; bytes: Buffer };
  let withFile: MessageDto;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-backup-"));
    original = path.join(root, "original");
    restored = path.join(root, "restored");
    backupFile = path.join(root, "floorchat.tar.gz");
    // As `npm run tls:local` leaves it: the certificate authority must survive a restore.
    fs.mkdirSync(path.join(original, "tls"), { recursive: true });
    fs.writeFileSync(path.join(original, "tls", "ca.key"), "not a real key\n", { mode: 0o600 });
    const app = await start(original);
    const admin = await signIn(app, "admin", DEMO_PASSWORD);
    ({ token } = await trpc<{ token: string }>(app, admin, "token.create", { name: "ERP sync", scopes: ["chats:write", "read"] }));
    const opened = await fetch(`${app.origin}/api/v1/system-chats`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ title: "Dock 7 shortages", participants: ["picker"], message: "Opened by the ERP" }),
    });
    expect(opened.status).toBe(201);
    ({ chatId } = (await opened.json()) as { chatId: string });

    const picker = await signIn(app, "picker", DEMO_PASSWORD);
    const bytes = Buffer.from("pallet 7, three boxes short\n");
    const upload = await fetch(`${app.origin}/api/files?chatId=${chatId}`, {
      method: "POST",
      headers: { cookie: picker, origin: app.origin, "content-type": "text/plain", "x-file-name": "short.txt" },
      body: bytes,
    });
    expect(upload.status).toBe(201);
    file = { id: ((await upload.json()) as { id: string }).id, bytes };
    withFile = await trpc<MessageDto>(app, picker, "message.send", { chatId, clientId: "backup-1", body: "Before the backup", attachmentIds: [file.id] });

    const backup = await runScript("backup", ["--out", backupFile], { DATA_DIR: original });
    expect(backup.out).toContain("made by the running server");
    expect(backup.code).toBe(0);
    // Not in the backup: it comes after.
    await trpc<MessageDto>(app, picker, "message.send", { chatId, clientId: "backup-2", body: "After the backup" });
    await stopApp(app);
  }, 180_000);

  it("refuses to restore over a data directory that is not empty, and leaves it as it was", async () => {
    const before = fs.readdirSync(original).sort();
    const result = await runScript("restore", [backupFile], { DATA_DIR: original });
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/is not empty.*--force/s);
    expect(fs.readdirSync(original).sort()).toEqual(before);
  });

  it("refuses a file that is not a backup, writing nothing", async () => {
    const bogus = path.join(root, "bogus.tar.gz");
    fs.writeFileSync(bogus, "not a backup");
    const target = path.join(root, "never");
    const result = await runScript("restore", [bogus], { DATA_DIR: target });
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/Not a readable Floorchat backup/);
    expect(fs.existsSync(path.join(target, "pgdata"))).toBe(false);
  });

  it("restores into a new data directory: the server starts with its chats, messages, files, people, tokens and certificate authority", async () => {
    const result = await runScript("restore", [backupFile], { DATA_DIR: restored });
    expect(result.code, result.out).toBe(0);
    expect(fs.readFileSync(path.join(restored, "auth-secret"), "utf8")).toBe(fs.readFileSync(path.join(original, "auth-secret"), "utf8"));
    expect(fs.readFileSync(path.join(restored, "tls", "ca.key"), "utf8")).toBe("not a real key\n");
    expect(fs.statSync(path.join(restored, "tls", "ca.key")).mode & 0o777).toBe(0o600);
    const app = await start(restored);

    // The messages sent before the backup are there, and only they.
    const picker = await signIn(app, "picker", DEMO_PASSWORD);
    const listed = await fetch(`${app.origin}/api/trpc/message.list?input=${encodeURIComponent(JSON.stringify(serialize({ chatId })))}`, { headers: { cookie: picker } });
    expect(listed.status).toBe(200);
    const page = deserialize(((await listed.json()) as { result: { data: Wire } }).result.data) as { messages: MessageDto[] };
    expect(page.messages.map((m) => m.body)).toEqual(["Opened by the ERP", "Before the backup"]);
    expect(page.messages[1]).toMatchObject({ id: withFile.id, attachments: [{ id: file.id, name: "short.txt" }] });

    // The script's token still works.
    const posted = await fetch(`${app.origin}/api/v1/chats/${chatId}/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ message: "After the restore", clientId: "restore-1" }),
    });
    expect(posted.status).toBe(201);

    // The file comes back byte for byte.
    const download = await fetch(`${app.origin}/api/files/${file.id}`, { headers: { cookie: picker } });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(file.bytes);

    // And a backup of a stopped install is made by opening its directory.
    await stopApp(app);
    const again = await runScript("backup", ["--out", path.join(root, "again.tar.gz")], { DATA_DIR: restored });
    expect(again.code, again.out).toBe(0);
    expect(again.out).toMatch(/the database and 1 file/);
  }, 180_000);
});
