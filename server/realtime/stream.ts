import type { IncomingMessage, ServerResponse } from "node:http";
import { fromNodeHeaders } from "better-auth/node";
import type { Db } from "~/db/client";
import type { Auth } from "~/server/auth";
import { SESSION_TTL_MS, type SessionCache } from "~/server/auth-cache";
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

export type StreamDeps = {
  auth: Auth;
  db: Db;
  sessions: Pick<SessionCache, "actor">;
  hub: Hub;
  /** How often an open stream asks again whether its session still holds; tests shorten it. */
  recheckMs?: number;
};

/**
 * `GET /api/stream`: the signed-in user's live event stream, on a raw node:http handler
 * (see DESIGN.md for why not a tRPC subscription).
 */
export function createStreamHandler(deps: StreamDeps) {
  return async function handleStream(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "GET") {
      res.setHeader("Allow", "GET");
      return jsonError(res, 405, "method_not_allowed", "Use GET");
    }
    const headers = fromNodeHeaders(req.headers);
    // Deactivation deletes the sessions too; an account deactivated in SQL has no actor either.
    const actor = await deps.sessions.actor(deps.auth, deps.db, headers);
    if (!actor) return jsonError(res, 401, "unauthorized", "Sign in first");
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
    // A sign-out or deactivation reaches this instance over the bus, which can lose it; asking
    // again once the cache's entry has run out ends the stream of a session that is gone.
    const recheck = setInterval(() => {
      void deps.sessions
        .actor(deps.auth, deps.db, headers)
        .then((current) => {
          if (!current && !closed) res.end();
        })
        .catch((error: unknown) => console.error("[stream] session re-check:", error));
    }, deps.recheckMs ?? SESSION_TTL_MS);
    recheck.unref();
    res.on("close", () => {
      closed = true;
      clearInterval(recheck);
      remove?.();
    });
    try {
      remove = await deps.hub.connect(actor.id, res, parseLastEventId(req));
    } catch (error) {
      // The hub has dropped the connection and closed the response; the browser reconnects.
      console.error("[stream] connect failed:", error);
      return;
    }
    if (closed) remove();
  };
}
