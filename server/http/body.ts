import type { IncomingMessage } from "node:http";

/** What tRPC and sign-in accept in a request body: far more than any message (10,000 characters). */
export const MAX_BODY_BYTES = 1024 * 1024;

export const bodyTooLargeMessage = (maxBytes: number) => `A request body may have at most ${Math.round(maxBytes / 1024)} KB`;

/**
 * The body's bytes, or null when it is larger than `maxBytes`: a declared Content-Length past
 * the limit is refused before reading anything, and the bytes are counted as they arrive, so
 * a body that lies about (or omits) its length is cut off at the limit, never held whole.
 */
export async function readLimitedBody(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer> | null> {
  if (Number(request.headers.get("content-length") ?? "0") > maxBytes) return null;
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * The request with its body read (at most `maxBytes`) into memory, for a handler that would
 * otherwise read any length; null when the body is too large. Requests without a body pass as they are.
 */
export async function withLimitedBody(request: Request, maxBytes: number): Promise<Request | null> {
  if (request.method === "GET" || request.method === "HEAD") return request;
  const bytes = await readLimitedBody(request, maxBytes);
  if (!bytes) return null;
  return new Request(request, { body: bytes });
}

/**
 * readLimitedBody for a node:http request (the direct tRPC path, server/api/http.ts): the
 * body, or "too-large" past `maxBytes` (reading stops there), or null if the client went away.
 */
export function readNodeBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | "too-large" | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: Buffer | "too-large" | null) => {
      req.off("data", onData).off("end", onEnd).off("close", onClose).off("error", onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) finish("too-large");
      else chunks.push(chunk);
    };
    const onEnd = () => finish(Buffer.concat(chunks));
    const onClose = () => finish(null);
    req.on("data", onData).on("end", onEnd).on("close", onClose).on("error", onClose);
  });
}
