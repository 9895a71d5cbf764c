import type { IncomingMessage, ServerResponse } from "node:http";

/** The methods Next.js serves. For any other (TRACE, PROPFIND…) its handler throws and answers 500. */
const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];

function refuse(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { "Content-Type": "application/json", ...headers }).end(JSON.stringify({ error: { code, message } }));
}

/**
 * Answers, before Next.js sees it, a request Next would answer with a 500 (DESIGN.md invariant
 * 6): a method it does not serve, or a path that is not valid percent-encoded UTF-8 (`/api/files/%zz`:
 * Next's route matcher throws decoding the dynamic segment). Also an API path with an empty
 * segment (`/api/v1/entities/order//history`) or a trailing slash (`/api/v1/x/`): Next would
 * redirect it with the whole URL in two headers (Location and Refresh), past what HTTP clients
 * accept for a long query, and an API call is not a page to redirect. Returns whether it answered.
 */
export function refuseMalformedRequest(req: IncomingMessage, res: ServerResponse): boolean {
  if (!METHODS.includes(req.method ?? "")) {
    refuse(res, 405, "method_not_allowed", `Use ${METHODS.join(", ")}`, { Allow: METHODS.join(", ") });
    return true;
  }
  const pathname = (req.url ?? "/").split("?", 1)[0]!;
  try {
    decodeURIComponent(pathname);
  } catch {
    refuse(res, 400, "invalid", "The path has bad percent-encoding");
    return true;
  }
  if (pathname.startsWith("/api/") && pathname.includes("//")) {
    refuse(res, 404, "not_found", "No API route has an empty path segment");
    return true;
  }
  // Next would redirect this too (to the path without the slash), with the same two headers.
  if (pathname.startsWith("/api/") && pathname.endsWith("/")) {
    refuse(res, 404, "not_found", "No API route ends with a slash");
    return true;
  }
  return false;
}
