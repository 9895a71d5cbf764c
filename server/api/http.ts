import type { IncomingMessage, ServerResponse } from "node:http";
import { TRPCError } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { fromNodeHeaders } from "better-auth/node";
import { MAX_BATCH_SIZE } from "~/lib/trpc/limits";
import type { Auth } from "~/server/auth";
import { MAX_BODY_BYTES, bodyTooLargeMessage } from "~/server/http/body";
import { gzipJsonAnswer } from "~/server/http/compress";
import { FOREIGN_ORIGIN_MESSAGE, isForeignOrigin } from "~/server/http/origin";
import type { Deps } from "~/server/services/deps";
import { appRouter } from "./root";
import { createContext } from "./trpc";

const ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS";

export type TrpcHttpOptions = { deps: Deps; auth: Auth; publicUrl: string };

/**
 * Before any procedure runs and before the body is read: mutations (POST) from another site's
 * page are refused, and so is a body whose declared length is past the limit. A body that
 * grows past it unannounced is cut off by tRPC's own reader (maxBodySize). Queries (GET)
 * change nothing and are not checked.
 */
function refusal(req: IncomingMessage, headers: Headers, publicUrl: string): TRPCError | null {
  if (req.method !== "POST") return null;
  if (headers.has("origin") && isForeignOrigin(new Request(new URL(req.url ?? "/", "http://localhost"), { headers }), publicUrl)) {
    return new TRPCError({ code: "FORBIDDEN", message: FOREIGN_ORIGIN_MESSAGE });
  }
  if (Number(headers.get("content-length") ?? "0") > MAX_BODY_BYTES) {
    return new TRPCError({ code: "PAYLOAD_TOO_LARGE", message: bodyTooLargeMessage(MAX_BODY_BYTES) });
  }
  return null;
}

/**
 * `/api/trpc/*` on the custom server's node:http request (server/main.ts), without Next: the
 * process passes its deps, integration tests their own.
 */
export function createTrpcHandler(options: TrpcHttpOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const handle = createHTTPHandler({
    basePath: "/api/trpc/",
    router: appRouter,
    maxBodySize: MAX_BODY_BYTES,
    maxBatchSize: MAX_BATCH_SIZE,
    // Thrown from the context, a refusal answers every call of the batch in tRPC's error shape
    // (through the one errorFormatter) before any procedure runs or any of the body is read.
    createContext: ({ req, res }) => {
      const headers = fromNodeHeaders(req.headers);
      const refused = refusal(req, headers, options.publicUrl);
      if (refused) {
        // The unread body is not worth draining to keep the connection.
        if (refused.code === "PAYLOAD_TOO_LARGE") res.setHeader("Connection", "close");
        throw refused;
      }
      return createContext({ deps: options.deps, auth: options.auth, headers });
    },
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`[trpc] ${path ?? "?"}:`, error.cause ?? error);
    },
  });
  return (req, res) => {
    // Queries are GETs and mutations POSTs; tRPC would answer anything else 415 for its body.
    // OPTIONS answers 204 with what is allowed, as Next's route did: same-origin only, so no
    // CORS headers (a cross-site preflight then fails, as it should).
    if (req.method === "OPTIONS") {
      res.writeHead(204, { Allow: ALLOWED_METHODS }).end();
      return;
    }
    if (req.method !== "GET" && req.method !== "POST" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: ALLOWED_METHODS }).end();
      return;
    }
    gzipJsonAnswer(req, res);
    handle(req, res);
  };
}
