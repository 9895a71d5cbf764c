import type { IncomingMessage, ServerResponse } from "node:http";
import { fromNodeHeaders } from "better-auth/node";
import { and, eq, gt, inArray, isNull } from "drizzle-orm";
import type { Db } from "~/db/client";
import { sessions, users } from "~/db/schema";
import type { Auth } from "~/server/auth";
import { SESSION_TTL_MS, type SessionCache } from "~/server/auth-cache";
import { type Hub, HubClosedError } from "./hub";

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
  sessions: Pick<SessionCache, "session">;
  hub: Hub;
  /** How often open streams are checked against their sessions; tests shorten it. */
  recheckMs?: number;
};

/** Of these session tokens, those still valid: not signed out, not expired, their person not deactivated. */
async function liveTokens(db: Db, tokens: string[]): Promise<Set<string>> {
  const live = new Set<string>();
  // In slices, so 10,000 streams never make one statement with 10,000 parameters.
  for (let start = 0; start < tokens.length; start += 1000) {
    const rows = await db
      .select({ token: sessions.token })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(inArray(sessions.token, tokens.slice(start, start + 1000)), gt(sessions.expiresAt, new Date()), isNull(users.deactivatedAt)));
    for (const row of rows) live.add(row.token);
  }
  return live;
}

/**
 * `GET /api/stream`: the signed-in user's live event stream, on a raw node:http handler
 * (see DESIGN.md for why not a tRPC subscription).
 */
export function createStreamHandler(deps: StreamDeps) {
  // A sign-out or deactivation reaches this instance over the bus, which can lose it: every
  // interval (the session cache's TTL) one query per thousand open streams ends those whose
  // session is gone. Runs only while streams are open.
  const open = new Map<ServerResponse, string>();
  let sweep: NodeJS.Timeout | null = null;
  const recheck = async () => {
    const live = await liveTokens(deps.db, [...new Set(open.values())]);
    for (const [res, token] of open) if (!live.has(token)) res.end();
  };
  const track = (res: ServerResponse, token: string) => {
    open.set(res, token);
    sweep ??= setInterval(() => void recheck().catch((error: unknown) => console.error("[stream] session re-check:", error)), deps.recheckMs ?? SESSION_TTL_MS);
    sweep.unref();
  };
  const untrack = (res: ServerResponse) => {
    open.delete(res);
    if (open.size === 0 && sweep) {
      clearInterval(sweep);
      sweep = null;
    }
  };

  return async function handleStream(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "GET") {
      res.setHeader("Allow", "GET");
      return jsonError(res, 405, "method_not_allowed", "Use GET");
    }
    // Shutting down: no response at all, so the browser's EventSource (or a proxy in front)
    // retries at once, on another instance.
    if (deps.hub.isClosed) {
      req.socket.destroy();
      return;
    }
    // Deactivation deletes the sessions too; an account deactivated in SQL has no actor either.
    const session = await deps.sessions.session(deps.auth, deps.db, fromNodeHeaders(req.headers));
    if (!session) return jsonError(res, 401, "unauthorized", "Sign in first");
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
    track(res, session.token);
    res.on("close", () => {
      closed = true;
      untrack(res);
      remove?.();
    });
    try {
      remove = await deps.hub.connect(session.actor.id, res, parseLastEventId(req));
    } catch (error) {
      // The hub has dropped the connection and closed the response; the browser reconnects.
      if (!(error instanceof HubClosedError)) console.error("[stream] connect failed:", error);
      return;
    }
    if (closed) remove();
  };
}
