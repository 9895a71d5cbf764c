import type { IncomingMessage, ServerResponse } from "node:http";
import { gzip } from "node:zlib";

/**
 * Smaller answers are sent as they are: gzip's own overhead and CPU buy little under a packet's
 * worth. Next compressed with the `compression` middleware, whose threshold this is.
 */
export const GZIP_MIN_BYTES = 1024;

/** Whether Accept-Encoding admits gzip: named (or `*`) with a q above 0, and not refused by name. */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  const weights = new Map<string, number>();
  for (const part of header.split(",")) {
    const [coding, ...params] = part.split(";").map((piece) => piece.trim().toLowerCase());
    if (!coding) continue;
    const q = params.find((param) => param.startsWith("q="));
    weights.set(coding, q ? Number(q.slice(2)) || 0 : 1);
  }
  return (weights.get("gzip") ?? weights.get("x-gzip") ?? weights.get("*") ?? 0) > 0;
}

function addVary(res: ServerResponse, name: string): void {
  const vary = res.getHeader("vary");
  const listed = vary === undefined ? [] : String(vary).split(",").map((entry) => entry.trim());
  if (listed.some((entry) => entry === "*" || entry.toLowerCase() === name.toLowerCase())) return;
  res.setHeader("Vary", [...listed, name].join(", "));
}

const toBuffer = (chunk: unknown, encoding: unknown): Buffer =>
  typeof chunk === "string" ? Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8") : Buffer.from(chunk as Uint8Array);

/**
 * Gzips the JSON answer about to be written to `res` when the client accepts it and it is at
 * least GZIP_MIN_BYTES, as Next did for tRPC before tRPC moved out of it; every answer says it
 * varies by Accept-Encoding. Decided at the first write, once the handler has set its headers:
 * tRPC answers our links (httpLink, httpBatchLink) with one JSON document, buffered here whole.
 * Anything else (a streamed or already encoded answer) passes through untouched. Never for the
 * live stream, which is not JSON and must not be held back (server/main.ts routes it elsewhere).
 */
export function gzipJsonAnswer(req: IncomingMessage, res: ServerResponse): void {
  const accepted = req.method !== "HEAD" && acceptsGzip(req.headers["accept-encoding"]);
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  let chunks: Buffer[] | null = null;
  let decided = false;
  const restore = () => {
    res.write = write as typeof res.write;
    res.end = end as typeof res.end;
  };
  const decide = () => {
    if (decided) return;
    decided = true;
    addVary(res, "Accept-Encoding");
    const type = String(res.getHeader("content-type") ?? "");
    if (accepted && type.startsWith("application/json") && !res.hasHeader("content-encoding")) chunks = [];
    else restore();
  };

  res.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
    decide();
    if (!chunks) return write(chunk, encoding, callback);
    chunks.push(toBuffer(chunk, encoding));
    const done = typeof encoding === "function" ? encoding : callback;
    if (typeof done === "function") process.nextTick(done);
    // Buffered, so never a reason to wait for "drain".
    return true;
  }) as typeof res.write;

  res.end = ((chunk?: unknown, encoding?: unknown, callback?: unknown) => {
    decide();
    if (!chunks) return end(chunk, encoding, callback);
    if (chunk !== undefined && chunk !== null && typeof chunk !== "function") chunks.push(toBuffer(chunk, encoding));
    const done = [chunk, encoding, callback].find((arg) => typeof arg === "function") as (() => void) | undefined;
    const body = Buffer.concat(chunks);
    chunks = null;
    restore();
    if (body.length < GZIP_MIN_BYTES) return end(body, done);
    // On the thread pool, so a large answer does not hold up the event loop.
    gzip(body, (error, zipped) => {
      if (error) return void end(body, done);
      res.setHeader("Content-Encoding", "gzip");
      res.setHeader("Content-Length", zipped.length);
      end(zipped, done);
    });
    return res;
  }) as typeof res.end;
}
