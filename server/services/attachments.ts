import { randomUUID } from "node:crypto";
import { and, count, eq, isNull, lt, or, sql } from "drizzle-orm";
import sharp, { type Metadata } from "sharp";
import type { Db } from "~/db/client";
import { type Attachment, attachments, chats, messages } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import { cleanFileName, safeFileName } from "~/server/files/name";
import { FileRefused, MAX_ATTACHMENT_BYTES, sniff } from "~/server/files/sniff";
import type { AttachmentDto } from "~/contracts/messages";
import type { FileStorage } from "~/server/storage";
import { assertCanRead, canReadChat } from "./access";
import type { Deps } from "./deps";
import { attachmentKind } from "~/server/services/message/dto";
import { assertPermission } from "./permissions";
import { createSemaphore } from "./semaphore";

/** Uploads not yet sent with a message, per person: enough for a few drafts of ten files. */
export const MAX_PENDING_UPLOADS = 30;
/** An upload never sent is deleted after this long. */
export const UNSENT_UPLOAD_TTL_MS = 24 * 3_600_000;
export const THUMB_SIZE = 480;
/** Decompression bombs: a 25 MB file can claim billions of pixels. 100 MP covers phone cameras. */
const MAX_PIXELS = 100_000_000;
/**
 * Decoding one such image takes up to ~400 MB, so ten 25 MB photos uploaded at once would
 * exhaust a small server's memory: two are processed at a time, a few dozen wait (a couple of
 * people each adding ten photos), and past that an upload is refused with 429 to retry.
 */
const imageSlots = createSemaphore({
  concurrency: 2,
  maxWaiting: 32,
  whenFull: () => new DomainError("rate_limited", "The server is busy with other photos; try again in a moment"),
});

export function toAttachmentDto(row: Pick<Attachment, "id" | "name" | "contentType" | "size" | "width" | "height">): AttachmentDto {
  return {
    id: row.id,
    // Cleaned again on the way out: rows stored before the name rules tightened.
    name: safeFileName(row.name, row.contentType),
    contentType: row.contentType,
    size: row.size,
    kind: attachmentKind(row.contentType),
    width: row.width,
    height: row.height,
  };
}

type Processed = { bytes: Uint8Array; contentType: string; thumb: Uint8Array | null; width: number | null; height: number | null };

/**
 * Images are decoded and encoded again: EXIF orientation applied (`rotate()`), and every
 * metadata block (EXIF with GPS, XMP, comments) left behind, since sharp writes none unless
 * asked. A HEIC that this build of libvips cannot decode is kept as it came, as a file.
 */
async function processImage(bytes: Uint8Array, contentType: string): Promise<Processed> {
  const options = { limitInputPixels: MAX_PIXELS, failOn: "error" as const };
  let meta: Metadata;
  try {
    meta = await sharp(bytes, options).metadata();
  } catch (error) {
    if (contentType === "image/heic" || contentType === "image/heif") {
      return { bytes, contentType, thumb: null, width: null, height: null };
    }
    const tooBig = /pixel limit/i.test((error as Error).message);
    throw new FileRefused("unsupported_type", tooBig ? "This image has too many pixels (at most 100 megapixels)" : "This image is damaged and cannot be read");
  }
  const animated = (meta.pages ?? 1) > 1;
  let image = sharp(bytes, { ...options, animated });
  // Multi-page (animated) images carry no orientation worth applying.
  if (!animated) image = image.rotate();
  let outType = contentType;
  if (contentType === "image/png") image = image.png();
  else if (contentType === "image/webp") image = image.webp({ quality: 88 });
  else if (contentType === "image/gif") image = image.gif();
  else {
    // JPEG, and a HEIC/HEIF this build can decode: browsers show JPEG everywhere.
    image = image.jpeg({ quality: 88 });
    outType = "image/jpeg";
  }
  const { data, info } = await image.toBuffer({ resolveWithObject: true });
  const height = animated ? (info.pageHeight ?? info.height) : info.height;
  const thumb = await sharp(data, { limitInputPixels: MAX_PIXELS })
    .resize(THUMB_SIZE, THUMB_SIZE, { fit: "inside", withoutEnlargement: true })
    .webp({ quality: 75 })
    .toBuffer();
  return { bytes: new Uint8Array(data), contentType: outType, thumb: new Uint8Array(thumb), width: info.width, height };
}

export type UploadInput = { chatId: string; name: string; bytes: Uint8Array; allowedTypes: readonly string[] };

/**
 * Checks that the actor may post in the chat before anything else (the route calls it before
 * reading the body, so an outsider cannot make the server read 25 MB).
 */
export async function assertCanUpload(db: Db, actor: Actor, chatId: string): Promise<void> {
  await assertCanRead(db, actor, chatId);
  await assertPermission(db, actor, "useChat", "You may not post messages");
  const [pending] = await db
    .select({ n: count() })
    .from(attachments)
    .where(and(eq(attachments.uploaderId, actor.id), isNull(attachments.messageId)));
  if ((pending?.n ?? 0) >= MAX_PENDING_UPLOADS) {
    throw new DomainError("rate_limited", `At most ${MAX_PENDING_UPLOADS} files may wait to be sent; send or remove some first`);
  }
}

/**
 * Stores an upload for the actor in a chat, unbound until a message carries it (sendMessage).
 * Refused files (type, size) throw FileRefused and leave nothing behind.
 */
export async function storeUpload(deps: Pick<Deps, "db">, storage: FileStorage, actor: Actor, input: UploadInput): Promise<AttachmentDto> {
  await assertCanUpload(deps.db, actor, input.chatId);
  if (input.bytes.byteLength === 0) throw new FileRefused("empty", "This file is empty");
  if (input.bytes.byteLength > MAX_ATTACHMENT_BYTES) throw new FileRefused("too_large", "A file may have at most 25 MB");
  // Sniffed under the cleaned name: the extension decides text and 97–2003 Office types.
  const cleaned = cleanFileName(input.name);
  const sniffed = await sniff(input.bytes, cleaned, input.allowedTypes);
  if (!sniffed.ok) throw new FileRefused("unsupported_type", sniffed.reason);

  const processed: Processed = sniffed.contentType.startsWith("image/")
    ? await imageSlots.run(() => processImage(input.bytes, sniffed.contentType))
    : { bytes: input.bytes, contentType: sniffed.contentType, thumb: null, width: null, height: null };
  const name = safeFileName(cleaned, processed.contentType);
  const id = randomUUID();
  const storageKey = id;
  const thumbKey = processed.thumb ? `${id}-thumb` : null;
  await storage.put(storageKey, processed.bytes, processed.contentType);
  try {
    if (thumbKey && processed.thumb) await storage.put(thumbKey, processed.thumb, "image/webp");
    const [row] = await deps.db
      .insert(attachments)
      .values({
        id,
        chatId: input.chatId,
        uploaderId: actor.id,
        storageKey,
        thumbKey,
        name,
        contentType: processed.contentType,
        size: processed.bytes.byteLength,
        width: processed.width,
        height: processed.height,
      })
      .returning();
    return toAttachmentDto(row!);
  } catch (error) {
    await Promise.allSettled([storage.delete(storageKey), thumbKey ? storage.delete(thumbKey) : null]);
    throw error;
  }
}

/**
 * The attachment if the actor may fetch it: bound to a message that is not deleted, in a chat
 * the actor can read; or not yet sent and uploaded by the actor. Otherwise null, whether it
 * exists or not, so an id reveals nothing.
 */
export async function findReadableAttachment(db: Db, actor: Actor, id: string): Promise<Attachment | null> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
  const [row] = await db
    .select({ attachment: attachments })
    .from(attachments)
    .innerJoin(chats, eq(chats.id, attachments.chatId))
    .leftJoin(messages, eq(messages.id, attachments.messageId))
    .where(
      and(
        eq(attachments.id, id),
        or(
          and(isNull(attachments.messageId), eq(attachments.uploaderId, actor.id)),
          and(sql`${messages.id} is not null`, isNull(messages.deletedAt), canReadChat(actor.id)),
        ),
      ),
    );
  return row?.attachment ?? null;
}

/** Removes the actor's own upload that no message carries yet (a file taken out of a draft). */
export async function discardUpload(db: Db, storage: FileStorage, actor: Actor, id: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
  const gone = await db
    .delete(attachments)
    .where(and(eq(attachments.id, id), eq(attachments.uploaderId, actor.id), isNull(attachments.messageId)))
    .returning({ storageKey: attachments.storageKey, thumbKey: attachments.thumbKey });
  await deleteObjects(storage, gone);
  return gone.length > 0;
}

async function deleteObjects(storage: FileStorage, rows: { storageKey: string; thumbKey: string | null }[]) {
  const keys = rows.flatMap((row) => (row.thumbKey ? [row.storageKey, row.thumbKey] : [row.storageKey]));
  const results = await Promise.allSettled(keys.map((key) => storage.delete(key)));
  for (const result of results) if (result.status === "rejected") console.error("[files] delete:", result.reason);
}

/**
 * Deletes uploads never sent (older than a day) and the files of deleted messages (a deleted
 * message's files are unreachable at once: findReadableAttachment; their bytes go here).
 * Rows first: a failed object delete leaves an orphan object, never a row pointing at nothing.
 */
export async function sweepAttachments(db: Db, storage: FileStorage, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - UNSENT_UPLOAD_TTL_MS);
  const gone = await db
    .delete(attachments)
    .where(
      or(
        and(isNull(attachments.messageId), lt(attachments.createdAt, cutoff)),
        sql`exists (select 1 from ${messages} where ${messages.id} = ${attachments.messageId} and ${messages.deletedAt} is not null)`,
      ),
    )
    .returning({ storageKey: attachments.storageKey, thumbKey: attachments.thumbKey });
  await deleteObjects(storage, gone);
  return gone.length;
}
