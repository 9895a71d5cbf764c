import { errorResponse } from "~/server/rest/core";
import { httpStatusOf } from "~/contracts/errors";
import { type Actor, DomainError } from "~/server/domain-error";
import { discardUpload, findReadableAttachment, storeUpload, assertCanUpload } from "~/server/services/attachments";
import type { Deps } from "~/server/services/deps";
import { readLimitedBody } from "~/server/http/body";
import { FOREIGN_ORIGIN_MESSAGE, isForeignOrigin } from "~/server/http/origin";
import type { FileStorage } from "~/server/storage";
import { safeFileName } from "./name";
import { hasUnstorableText } from "~/server/http/unstorable-text";
import { FileRefused, MAX_ATTACHMENT_BYTES } from "./sniff";

/**
 * The file routes (`/api/files…`), callable without Next: app/api/files/* pass the process's
 * deps and the session's actor; the integration tests pass their own.
 */
export type FileRouteContext = {
  deps: Pick<Deps, "db">;
  storage: FileStorage;
  actor: Actor | null;
  allowedTypes: readonly string[];
  /** PUBLIC_URL: uploads and discards from a page of another origin are refused. */
  publicUrl: string;
};

const REFUSED_STATUS = { too_large: 413, unsupported_type: 415, empty: 400 } as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function failure(error: unknown, what: string): Response {
  if (error instanceof FileRefused) return errorResponse(REFUSED_STATUS[error.code], error.code, error.message);
  if (error instanceof DomainError) return errorResponse(httpStatusOf(error.code), error.code, error.message, error.fields);
  console.error(`[files] ${what}:`, error);
  return errorResponse(500, "internal", "Something went wrong on our side");
}

const tooLarge = () => errorResponse(413, "too_large", "A file may have at most 25 MB");

/** `POST /api/files?chatId=…`: the body is the file's bytes, `x-file-name` its URI-encoded name. */
export async function handleUpload(request: Request, ctx: FileRouteContext): Promise<Response> {
  if (isForeignOrigin(request, ctx.publicUrl)) return errorResponse(403, "forbidden", FOREIGN_ORIGIN_MESSAGE);
  if (!ctx.actor) return errorResponse(401, "unauthorized", "Sign in to upload files");
  const chatId = new URL(request.url).searchParams.get("chatId") ?? "";
  if (!UUID.test(chatId)) return errorResponse(400, "invalid", "chatId must be a chat's id", { chatId: "Not a chat id" });
  let name = "file";
  try {
    name = decodeURIComponent(request.headers.get("x-file-name") ?? "file");
  } catch {
    return errorResponse(400, "invalid", "x-file-name must be URI-encoded", { name: "Not URI-encoded" });
  }
  // The name is stored as text, which cannot hold U+0000 (server/http/unstorable-text.ts).
  if (hasUnstorableText(name)) return errorResponse(400, "invalid", "x-file-name holds a character that cannot be stored", { name: "Contains NUL" });
  try {
    // Access first: an outsider never gets the server to read 25 MB.
    await assertCanUpload(ctx.deps.db, ctx.actor, chatId);
    const bytes = await readLimitedBody(request, MAX_ATTACHMENT_BYTES);
    if (!bytes) return tooLarge();
    const attachment = await storeUpload(ctx.deps, ctx.storage, ctx.actor, { chatId, name, bytes, allowedTypes: ctx.allowedTypes });
    return Response.json(attachment, { status: 201 });
  } catch (error) {
    return failure(error, "upload");
  }
}

/** RFC 6266/8187: an ASCII fallback and the exact UTF-8 name, cleaned (server/files/name.ts). */
function contentDisposition(kind: "inline" | "attachment", raw: string, contentType: string): string {
  const name = safeFileName(raw, contentType);
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\;]/g, "_");
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Shown in the browser: raster images only. Everything else (PDF included) is downloaded. */
const INLINE = new Set(["image/jpeg", "image/png", "image/webp", "image/gif"]);

/**
 * Headers that keep a stored file inert in our origin whatever it contains: the sniffed type
 * with nosniff (the browser never guesses HTML), and a sandboxing CSP (no script, no plugins,
 * an opaque origin) should a browser ever render it as a document.
 */
function fileHeaders(contentType: string, size: number, disposition: string): Headers {
  return new Headers({
    "content-type": contentType,
    "content-length": String(size),
    "content-disposition": disposition,
    "x-content-type-options": "nosniff",
    "content-security-policy": "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
    "cross-origin-resource-policy": "same-origin",
    // Per person (private), and short: a deleted message's files must stop showing soon.
    "cache-control": "private, max-age=3600",
  });
}

/** `GET /api/files/{id}` and `GET /api/files/{id}/thumb`: 404 for anyone who may not see it. */
export async function handleDownload(_request: Request, ctx: FileRouteContext, id: string, variant: "original" | "thumb"): Promise<Response> {
  if (!ctx.actor) return errorResponse(401, "unauthorized", "Sign in to see files");
  try {
    const attachment = await findReadableAttachment(ctx.deps.db, ctx.actor, id);
    const key = variant === "thumb" ? attachment?.thumbKey : attachment?.storageKey;
    if (!attachment || !key) return errorResponse(404, "not_found", "No such file");
    const object = await ctx.storage.get(key);
    if (!object) return errorResponse(404, "not_found", "No such file");
    if (variant === "thumb") {
      const thumbName = `${safeFileName(attachment.name, attachment.contentType).replace(/\.[^.]*$/, "")}.webp`;
      return new Response(object.body, { headers: fileHeaders("image/webp", object.size, contentDisposition("inline", thumbName, "image/webp")) });
    }
    const kind = INLINE.has(attachment.contentType) ? "inline" : "attachment";
    return new Response(object.body, { headers: fileHeaders(attachment.contentType, object.size, contentDisposition(kind, attachment.name, attachment.contentType)) });
  } catch (error) {
    return failure(error, "download");
  }
}

/** `DELETE /api/files/{id}`: the uploader takes a file out of a draft before sending. */
export async function handleDiscard(request: Request, ctx: FileRouteContext, id: string): Promise<Response> {
  if (isForeignOrigin(request, ctx.publicUrl)) return errorResponse(403, "forbidden", FOREIGN_ORIGIN_MESSAGE);
  if (!ctx.actor) return errorResponse(401, "unauthorized", "Sign in first");
  try {
    const removed = await discardUpload(ctx.deps.db, ctx.storage, ctx.actor, id);
    return removed ? new Response(null, { status: 204 }) : errorResponse(404, "not_found", "No such unsent file");
  } catch (error) {
    return failure(error, "discard");
  }
}
