import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { MAX_BATCH_SIZE } from "~/lib/trpc/limits";
import type { Auth } from "~/server/auth";
import { MAX_BODY_BYTES, bodyTooLargeMessage, withLimitedBody } from "~/server/http/body";
import { FOREIGN_ORIGIN_MESSAGE, isForeignOrigin } from "~/server/http/origin";
import type { Deps } from "~/server/services/deps";
import { appRouter } from "./root";
import { createContext } from "./trpc";

export type TrpcHttpOptions = { deps: Deps; auth: Auth; publicUrl: string; maxBodyBytes?: number };

type Admission = { request: Request } | { refusal: TRPCError };

/**
 * Before any procedure runs: mutations (POST) from another site's page are refused, and a
 * body past the limit is refused without being read whole. Queries (GET) change nothing and
 * are not checked.
 */
async function admit(req: Request, publicUrl: string, maxBodyBytes: number): Promise<Admission> {
  if (req.method === "POST" && isForeignOrigin(req, publicUrl)) {
    return { refusal: new TRPCError({ code: "FORBIDDEN", message: FOREIGN_ORIGIN_MESSAGE }) };
  }
  const request = await withLimitedBody(req, maxBodyBytes);
  if (!request) return { refusal: new TRPCError({ code: "PAYLOAD_TOO_LARGE", message: bodyTooLargeMessage(maxBodyBytes) }) };
  return { request };
}

/**
 * `/api/trpc/*` over HTTP, callable without Next: app/api/trpc/[trpc]/route.ts passes the
 * process's deps, integration tests their own.
 */
export async function handleTrpcRequest(req: Request, options: TrpcHttpOptions): Promise<Response> {
  const admission = await admit(req, options.publicUrl, options.maxBodyBytes ?? MAX_BODY_BYTES);
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    // A refused request's body is never handed on, so tRPC cannot read it.
    req: "request" in admission ? admission.request : new Request(req.url, { method: req.method, headers: req.headers }),
    router: appRouter,
    maxBatchSize: MAX_BATCH_SIZE,
    // Thrown from the context, a refusal answers every call of the batch in tRPC's error shape
    // (through the one errorFormatter) before any procedure runs.
    createContext: () => {
      if ("refusal" in admission) throw admission.refusal;
      return createContext({ deps: options.deps, auth: options.auth, headers: req.headers });
    },
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`[trpc] ${path ?? "?"}:`, error.cause ?? error);
    },
  });
}
