import type { IncomingMessage, ServerResponse } from "node:http";
import { fromNodeHeaders } from "better-auth/node";
import type { Auth } from "~/server/auth";
import { toFrame } from "./events";
import type { Hub } from "./hub";

/**
 * `GET /api/stream`: the signed-in user's live event stream, on a raw node:http handler
 * (see DESIGN.md for why not a tRPC subscription). For now it carries `ready` and heartbeats.
 */
export function createStreamHandler(deps: { auth: Auth; hub: Hub }) {
  return async function handleStream(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "GET") {
      res.writeHead(405, { Allow: "GET", "Content-Type": "application/json" }).end(
        JSON.stringify({ error: { code: "method_not_allowed", message: "Use GET" } }),
      );
      return;
    }
    const session = await deps.auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
    if (!session) {
      res.writeHead(401, { "Content-Type": "application/json" }).end(
        JSON.stringify({ error: { code: "unauthorized", message: "Sign in first" } }),
      );
      return;
    }
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      // Tells nginx-style proxies not to buffer the stream.
      "X-Accel-Buffering": "no",
    });
    req.socket.setNoDelay(true);
    req.socket.setKeepAlive(true);
    res.write(`retry: 3000\n\n`);
    res.write(toFrame({ type: "ready", userId: session.user.id, serverTime: new Date().toISOString() }));
    const remove = deps.hub.add({ userId: session.user.id, res });
    req.on("close", remove);
  };
}
