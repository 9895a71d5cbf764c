import type { IncomingMessage, ServerResponse } from "node:http";
import { fromNodeHeaders } from "better-auth/node";
import type { Auth } from "~/server/auth";
import type { Hub } from "./hub";

/** The resume cursor: the browser's `Last-Event-ID` header, or `?lastEventId=` on a fresh load. */
export function parseLastEventId(req: IncomingMessage): number | null {
  const raw = req.headers["last-event-id"] ?? new URL(req.url ?? "/", "http://x").searchParams.get("lastEventId");
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === null || !/^\d{1,15}$/.test(value)) return null;
  return Number(value);
}

function jsonError(res: ServerResponse, status: number, code: string, message: string) {
  res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify({ error: { code, message } }));
}

/**
 * `GET /api/stream`: the signed-in user's live event stream, on a raw node:http handler
 * (see DESIGN.md for why not a tRPC subscription).
 */
export function createStreamHandler(deps: { auth: Auth; hub: Hub }) {
  return async function handleStream(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "GET") {
      res.setHeader("Allow", "GET");
      return jsonError(res, 405, "method_not_allowed", "Use GET");
    }
    const session = await deps.auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
    // Deactivation deletes the sessions too; this also covers an account deactivated in SQL.
    if (!session || session.user.deactivatedAt) return jsonError(res, 401, "unauthorized", "Sign in first");
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      // Tells nginx-style proxies not to buffer the stream.
      "X-Accel-Buffering": "no",
    });
    req.socket.setNoDelay(true);
    req.socket.setKeepAlive(true);
    res.write("retry: 3000\n\n");
    let remove: (() => void) | null = null;
    let closed = false;
    res.on("close", () => {
      closed = true;
      remove?.();
    });
    try {
      remove = await deps.hub.connect(session.user.id, res, parseLastEventId(req));
    } catch (error) {
      // The hub has dropped the connection and closed the response; the browser reconnects.
      console.error("[stream] connect failed:", error);
      return;
    }
    if (closed) remove();
  };
}
