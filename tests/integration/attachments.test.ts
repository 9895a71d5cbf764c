import { createHash, createHmac, randomUUID } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { attachments, messages } from "~/db/schema";
import type { Actor } from "~/server/domain-error";
import { type FileRouteContext, handleDiscard, handleDownload, handleUpload } from "~/server/files/http";
import { DEFAULT_ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES } from "~/server/files/sniff";
import { MAX_PENDING_UPLOADS, sweepAttachments } from "~/server/services/attachments";
import { findActor } from "~/server/services/users";
import type { FileStorage } from "~/server/storage";
import { createDiskStorage } from "~/server/storage/disk";
import { createS3Storage } from "~/server/storage/s3";
import type { AttachmentDto } from "~/contracts/messages";
import { callerFor, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";

type Name = "alice" | "mark" | "pia" | "olaf";
type Caller = Awaited<ReturnType<typeof callerFor>>;
type Json = { error?: { code: string; message: string } } & Partial<AttachmentDto>;

const ORIGIN = "http://floorchat.test";
const clientId = () => `c-${randomUUID()}`;

/** A PNG of the given size, made here so the test carries no binary fixture. */
const png = (width = 64, height = 48) => sharp({ create: { width, height, channels: 3, background: "#0b5cad" } }).png().toBuffer();

/** Whether an EXIF block points at a GPS directory (tag 0x8825, in either byte order). */
const hasGps = (exif: Buffer | undefined) => Boolean(exif && (exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88]))));

describe("attachments: upload, sniffing, images and authorised downloads (PRODUCT.md M3)", () => {
  let world: TestWorld;
  let root: string;
  let storage: FileStorage;
  let roomId: string;
  let companyId: string;
  const actors = {} as Record<Name, Actor>;
  const callers = {} as Record<Name, Caller>;

  const ctx = (who: Name | null): FileRouteContext => ({
    deps: world.deps,
    storage,
    actor: who ? actors[who] : null,
    allowedTypes: DEFAULT_ATTACHMENT_TYPES,
    publicUrl: ORIGIN,
  });

  async function upload(who: Name | null, name: string, bytes: Uint8Array, options: { chatId?: string; headers?: Record<string, string> } = {}) {
    const request = new Request(`${ORIGIN}/api/files?chatId=${options.chatId ?? roomId}`, {
      method: "POST",
      headers: { "x-file-name": encodeURIComponent(name), ...options.headers },
      body: new Uint8Array(bytes),
    });
    const response = await handleUpload(request, ctx(who));
    return { status: response.status, json: (await response.json()) as Json };
  }

  const download = (who: Name | null, id: string, variant: "original" | "thumb" = "original") =>
    handleDownload(new Request(`${ORIGIN}/api/files/${id}${variant === "thumb" ? "/thumb" : ""}`), ctx(who), id, variant);

  async function storedFiles(): Promise<string[]> {
    const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
    return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
  }

  beforeAll(async () => {
    world = await createTestWorld();
    root = await mkdtemp(path.join(tmpdir(), "floorchat-files-"));
    storage = createDiskStorage(root);
    await createPersonas(world.database.db);
    const names: Name[] = ["alice", "mark", "pia", "olaf"];
    for (const name of names) {
      const cookie = await signIn(world.auth, name);
      // The actor as the route sees it: from the session the cookie opens.
      const session = await world.auth.api.getSession({ headers: new Headers({ cookie }) });
      actors[name] = (await findActor(world.database.db, session!.user.id))!;
      callers[name] = await callerFor(world.deps, world.auth, cookie);
    }
    const room = await callers.mark.chat.createRoom({ title: "Dock 3", visibility: "private", access: { userIds: [actors.pia.id], groupIds: [] } });
    roomId = room.id;
    companyId = (await callers.pia.chat.list()).find((chat) => chat.kind === "company")!.id;
  });
  afterAll(async () => {
    await world?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });
  beforeEach(async () => {
    // Each test starts with no unsent uploads, so the per-person cap never interferes.
    await world.database.db.delete(attachments);
    await rm(root, { recursive: true, force: true });
  });

  describe("refusals store nothing", () => {
    it("refuses a .png whose bytes are HTML with 415 and a reason, and stores no row and no file", async () => {
      const html = new TextEncoder().encode("<!doctype html><html><body><script>alert(document.cookie)</script></body></html>");
      const { status, json } = await upload("pia", "photo.png", html);
      expect(status).toBe(415);
      expect(json.error?.code).toBe("unsupported_type");
      expect(json.error?.message).toMatch(/^This file is HTML, not an image; allowed: images \(JPEG, PNG/);
      expect(await world.database.db.select().from(attachments)).toEqual([]);
      expect(await storedFiles()).toEqual([]);
    });

    it("refuses an SVG, whose script would run in our origin, even named .svg", async () => {
      const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
      const { status, json } = await upload("pia", "logo.svg", svg);
      expect(status).toBe(415);
      expect(json.error?.message).toMatch(/^This file is SVG/);
      expect(await storedFiles()).toEqual([]);
    });

    it("refuses a file over 25 MB with 413, counting the bytes when no length is declared, and stores nothing", async () => {
      const big = new Uint8Array(MAX_ATTACHMENT_BYTES + 1);
      big.set(await png(), 0);
      const { status, json } = await upload("pia", "huge.png", big);
      expect(status).toBe(413);
      expect(json.error).toEqual({ code: "too_large", message: "A file may have at most 25 MB" });
      expect(await world.database.db.select().from(attachments)).toEqual([]);
      expect(await storedFiles()).toEqual([]);
    });

    it("refuses a declared length over 25 MB with 413 before reading the body", async () => {
      const { status } = await upload("pia", "huge.png", await png(), { headers: { "content-length": String(MAX_ATTACHMENT_BYTES + 1) } });
      expect(status).toBe(413);
      expect(await storedFiles()).toEqual([]);
    });

    it("refuses text that is not named .txt or .csv, and a program named .txt", async () => {
      expect((await upload("pia", "notes.html", new TextEncoder().encode("plain words"))).status).toBe(415);
      const elf = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...new Array<number>(56).fill(0)]);
      expect((await upload("pia", "readme.txt", elf)).status).toBe(415);
      expect(await storedFiles()).toEqual([]);
    });

    it("caps a person's unsent uploads (429, a reason, nothing stored)", async () => {
      await world.database.db.insert(attachments).values(
        Array.from({ length: MAX_PENDING_UPLOADS }, (_, i) => ({
          chatId: roomId,
          uploaderId: actors.pia.id,
          storageKey: `k${i}-0000000`,
          name: `old-${i}.png`,
          contentType: "image/png",
          size: 1,
        })),
      );
      const { status, json } = await upload("pia", "one-more.png", await png());
      expect(status).toBe(429);
      expect(json.error).toEqual({ code: "rate_limited", message: `At most ${MAX_PENDING_UPLOADS} files may wait to be sent; send or remove some first` });
      expect(await storedFiles()).toEqual([]);
      // Someone else's drafts do not count against Mark.
      expect((await upload("mark", "mine.png", await png())).status).toBe(201);
    });

    it("answers 401 without a session, and 403 to someone who cannot read the chat, before storing anything", async () => {
      expect((await upload(null, "a.png", await png())).status).toBe(401);
      const outsider = await upload("olaf", "a.png", await png());
      expect(outsider.status).toBe(403);
      expect(outsider.json.error?.code).toBe("forbidden");
      expect(await storedFiles()).toEqual([]);
    });
  });

  describe("accepted files", () => {
    it("stores a photo without its EXIF GPS and with its orientation applied, and records its turned size", async () => {
      const photo = await sharp({ create: { width: 40, height: 20, channels: 3, background: "#c33" } })
        .jpeg()
        .withMetadata({ orientation: 6 })
        .withExif({ IFD0: { Make: "Floorchat test" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "52/1 13/1 0/1" } })
        .toBuffer();
      // The fixture really carries GPS and a rotation, or the test would prove nothing.
      const before = await sharp(photo).metadata();
      expect(hasGps(before.exif)).toBe(true);
      expect(before.orientation).toBe(6);

      const { status, json } = await upload("pia", "pallet.jpg", photo);
      expect(status).toBe(201);
      expect(json).toMatchObject({ name: "pallet.jpg", contentType: "image/jpeg", kind: "image", width: 20, height: 40 });

      const [row] = await world.database.db.select().from(attachments).where(eq(attachments.id, json.id!));
      const stored = await storage.get(row!.storageKey);
      const bytes = Buffer.from(await new Response(stored!.body).arrayBuffer());
      const after = await sharp(bytes).metadata();
      expect(hasGps(after.exif)).toBe(false);
      expect(after.exif).toBeUndefined();
      expect(after.orientation).toBeUndefined();
      expect([after.width, after.height]).toEqual([20, 40]);
      expect(row!.size).toBe(bytes.byteLength);

      const thumb = await sharp(Buffer.from(await (await download("pia", json.id!, "thumb")).arrayBuffer())).metadata();
      expect(thumb.format).toBe("webp");
    });

    it("makes a thumbnail of at most 480 px on the longer side", async () => {
      const { json } = await upload("pia", "wide.png", await png(1200, 300));
      const [row] = await world.database.db.select().from(attachments).where(eq(attachments.id, json.id!));
      const thumb = await storage.get(row!.thumbKey!);
      const meta = await sharp(Buffer.from(await new Response(thumb!.body).arrayBuffer())).metadata();
      expect([meta.width, meta.height]).toEqual([480, 120]);
    });

    it("accepts a CSV by its name and UTF-8 content, as text/csv, without a thumbnail", async () => {
      const { status, json } = await upload("pia", "pick list.csv", new TextEncoder().encode("sku,qty\nA-1,12\nŻ-2,3\n"));
      expect(status).toBe(201);
      expect(json).toMatchObject({ name: "pick list.csv", contentType: "text/csv", kind: "file", width: null });
      expect((await download("pia", json.id!, "thumb")).status).toBe(404);
    });

    it("keeps only the last part of a file name with a path in it", async () => {
      const { json } = await upload("pia", "../../etc/passwd.csv", new TextEncoder().encode("a,b\n"));
      expect(json.name).toBe("passwd.csv");
    });
  });

  describe("sending and downloading", () => {
    async function sentPhoto(body = "") {
      const { json } = await upload("pia", "dock 3 — damage.png", await png());
      const message = await callers.pia.message.send({ chatId: roomId, clientId: clientId(), body, attachmentIds: [json.id!] });
      return { attachment: json as AttachmentDto, message };
    }

    it("a message with a photo and no caption carries the attachment in message.list", async () => {
      const { attachment, message } = await sentPhoto();
      const page = await callers.mark.message.list({ chatId: roomId });
      const listed = page.messages.find((m) => m.id === message.id);
      expect(listed?.body).toBe("");
      expect(listed?.attachments).toEqual([attachment]);
    });

    it("serves a member the file with its sniffed type, an inline disposition with the UTF-8 name, nosniff and a sandbox", async () => {
      const { attachment } = await sentPhoto("see photo");
      const response = await download("mark", attachment.id);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("image/png");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("content-disposition")).toBe(`inline; filename="dock 3 _ damage.png"; filename*=UTF-8''dock%203%20%E2%80%94%20damage.png`);
      expect(response.headers.get("content-security-policy")).toMatch(/^sandbox; default-src 'none'/);
      expect(response.headers.get("cache-control")).toMatch(/^private/);
      const bytes = await response.arrayBuffer();
      expect(response.headers.get("content-length")).toBe(String(bytes.byteLength));
      expect((await download("mark", attachment.id, "thumb")).headers.get("content-type")).toBe("image/webp");
    });

    it("names a file whose name is only bidi marks 'file' plus its type's extension, and cleans an old stored name on the way out", async () => {
      const { json } = await upload("pia", "\u202e\u200f\u2066", await png());
      expect(json.name).toBe("file.png");
      // A row stored before the name rules: the header and the list still show the clean name.
      await world.deps.db.update(attachments).set({ name: "photo\u202egnp.exe" }).where(eq(attachments.id, json.id!));
      const response = await download("pia", json.id!);
      expect(response.headers.get("content-disposition")).toBe(`inline; filename="photognp.exe"; filename*=UTF-8''photognp.exe`);
    });

    it("serves a CSV as a download (attachment), never inline", async () => {
      const { json } = await upload("pia", "counts.csv", new TextEncoder().encode("a,b\n1,2\n"));
      await callers.pia.message.send({ chatId: roomId, clientId: clientId(), body: "counts", attachmentIds: [json.id!] });
      const response = await download("mark", json.id!);
      expect(response.headers.get("content-type")).toBe("text/csv");
      expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="counts.csv"/);
    });

    it("an outsider gets 404 for a sent file and its thumbnail by URL, as for a file that does not exist", async () => {
      const { attachment } = await sentPhoto("private photo");
      for (const variant of ["original", "thumb"] as const) {
        const response = await download("olaf", attachment.id, variant);
        expect(response.status).toBe(404);
        expect(await response.json()).toEqual({ error: { code: "not_found", message: "No such file" } });
      }
      expect((await download("olaf", randomUUID())).status).toBe(404);
      expect((await download("olaf", "not-a-uuid")).status).toBe(404);
      expect((await download(null, attachment.id)).status).toBe(401);
    });

    it("an unsent upload is visible to its uploader only", async () => {
      const { json } = await upload("pia", "draft.png", await png());
      expect((await download("pia", json.id!)).status).toBe(200);
      expect((await download("mark", json.id!)).status).toBe(404);
    });

    it("refuses to send someone else's upload, and an upload made for another chat", async () => {
      const { json } = await upload("pia", "mine.png", await png());
      await expect(callers.mark.message.send({ chatId: roomId, clientId: clientId(), body: "stolen", attachmentIds: [json.id!] })).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
      await expect(callers.pia.message.send({ chatId: companyId, clientId: clientId(), body: "elsewhere", attachmentIds: [json.id!] })).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
      const [row] = await world.database.db.select().from(attachments).where(eq(attachments.id, json.id!));
      expect(row?.messageId).toBeNull();
    });

    it("the uploader can take an unsent file back (DELETE), which removes its row and bytes; nobody else can", async () => {
      const { json } = await upload("pia", "oops.png", await png());
      const discard = (who: Name) => handleDiscard(new Request(`${ORIGIN}/api/files/${json.id}`, { method: "DELETE" }), ctx(who), json.id!);
      expect((await discard("mark")).status).toBe(404);
      expect((await discard("pia")).status).toBe(204);
      expect(await world.database.db.select().from(attachments)).toEqual([]);
      expect(await storedFiles()).toEqual([]);
    });

    it("a deleted message's files stop being served at once, and the sweep deletes them with day-old unsent uploads", async () => {
      const { attachment, message } = await sentPhoto("to be deleted");
      const { json: fresh } = await upload("pia", "fresh.png", await png());
      const { json: stale } = await upload("pia", "stale.png", await png());
      await world.database.db
        .update(attachments)
        .set({ createdAt: new Date(Date.now() - 25 * 3_600_000) })
        .where(eq(attachments.id, stale.id!));
      await callers.pia.message.delete({ messageId: message.id });
      expect((await download("mark", attachment.id)).status).toBe(404);
      expect((await download("pia", attachment.id)).status).toBe(404);

      expect(await sweepAttachments(world.database.db, storage)).toBe(2);
      const left = await world.database.db.select({ id: attachments.id }).from(attachments);
      expect(left.map((row) => row.id)).toEqual([fresh.id]);
      // The fresh upload's original and thumbnail are all that is left on disk.
      expect((await storedFiles()).sort()).toEqual([fresh.id!, `${fresh.id!}-thumb`].sort());
      const [deleted] = await world.database.db.select().from(messages).where(eq(messages.id, message.id));
      expect(deleted?.deletedAt).not.toBeNull();
    });
  });
});

/**
 * A stand-in for an S3-compatible store on 127.0.0.1: it keeps objects in memory and accepts
 * a request only if its SigV4 Authorization header matches a signature computed here, from the
 * request as received, independently of server/storage/s3.ts.
 */
describe("S3-compatible storage (SigV4 through fetch)", () => {
  const credentials = { accessKeyId: "AKIDFLOORCHATTEST", secretAccessKey: "wJalr/XUtnFEMI+K7MDENG", region: "eu-test-1" };
  const bucket = "floorchat-files";
  const objects = new Map<string, { body: Buffer; type: string }>();
  const checked: string[] = [];
  let server: http.Server;
  let endpoint: string;

  const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

  function verify(request: http.IncomingMessage, body: Buffer): string | null {
    const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      request.headers.authorization ?? "",
    );
    if (!auth) return "malformed Authorization";
    const [, keyId, day, region, signedHeaders, signature] = auth as unknown as [string, string, string, string, string, string];
    if (keyId !== credentials.accessKeyId) return "unknown key";
    if (request.headers["x-amz-content-sha256"] !== sha256(body)) return "payload hash mismatch";
    const names = signedHeaders.split(";");
    if (!names.includes("host") || !names.includes("x-amz-date")) return "host and x-amz-date must be signed";
    const url = new URL(request.url ?? "/", "http://stand-in");
    const query = [...url.searchParams].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).sort().join("&");
    const headerLines = names.map((name) => `${name}:${String(request.headers[name] ?? "").trim()}\n`).join("");
    const canonical = `${request.method}\n${url.pathname}\n${query}\n${headerLines}\n${signedHeaders}\n${sha256(body)}`;
    const amzDate = String(request.headers["x-amz-date"]);
    const scope = `${day}/${region}/s3/aws4_request`;
    const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256(canonical)}`;
    let key: Buffer = Buffer.from(`AWS4${credentials.secretAccessKey}`);
    for (const part of [day, region, "s3", "aws4_request"]) key = createHmac("sha256", key).update(part).digest();
    const expected = createHmac("sha256", key).update(toSign).digest("hex");
    return expected === signature ? null : "signature mismatch";
  }

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const body = Buffer.concat(chunks);
        const problem = verify(request, body);
        checked.push(`${request.method} ${problem ?? "ok"}`);
        if (problem) return void response.writeHead(403).end(`<Error><Code>SignatureDoesNotMatch</Code><Message>${problem}</Message></Error>`);
        const key = decodeURIComponent(new URL(request.url ?? "/", "http://stand-in").pathname);
        if (request.method === "PUT") {
          objects.set(key, { body, type: String(request.headers["content-type"]) });
          return void response.writeHead(200).end();
        }
        const object = objects.get(key);
        if (request.method === "GET") {
          if (!object) return void response.writeHead(404).end("<Error><Code>NoSuchKey</Code></Error>");
          return void response.writeHead(200, { "content-type": object.type, "content-length": object.body.byteLength }).end(object.body);
        }
        if (request.method === "DELETE") {
          objects.delete(key);
          return void response.writeHead(204).end();
        }
        response.writeHead(405).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("puts, gets and deletes objects with requests whose SigV4 signature an independent computation accepts", async () => {
    const storage = createS3Storage({ bucket, endpoint, ...credentials });
    const key = randomUUID();
    const bytes = new TextEncoder().encode("sku,qty\nA-1,12\n");
    await storage.put(key, bytes, "text/csv");
    expect(objects.get(`/${bucket}/${key}`)).toEqual({ body: Buffer.from(bytes), type: "text/csv" });

    const object = await storage.get(key);
    expect(object?.size).toBe(bytes.byteLength);
    expect(Buffer.from(await new Response(object!.body).arrayBuffer())).toEqual(Buffer.from(bytes));
    expect(await storage.get(randomUUID())).toBeNull();

    await storage.delete(key);
    expect(objects.has(`/${bucket}/${key}`)).toBe(false);
    expect(checked.every((line) => line.endsWith(" ok"))).toBe(true);
    expect(checked.length).toBe(4);
  });

  it("fails loudly when the store refuses the signature (a wrong secret), storing nothing", async () => {
    const storage = createS3Storage({ bucket, endpoint, ...credentials, secretAccessKey: "not-the-secret" });
    const before = objects.size;
    await expect(storage.put(randomUUID(), new Uint8Array([1, 2, 3]), "application/octet-stream")).rejects.toThrow(/S3 PUT answered 403/);
    expect(objects.size).toBe(before);
  });

  it("never builds a key from anything but our own ids", async () => {
    const storage = createS3Storage({ bucket, endpoint, ...credentials });
    await expect(storage.put("../other-bucket/x", new Uint8Array([1]), "text/plain")).rejects.toThrow(/Unsafe storage key/);
  });
});
