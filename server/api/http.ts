import type { IncomingMessage, ServerResponse } from "node:http";
import { TRPCError } from "@trpc/server";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { getHTTPStatusCode } from "@trpc/server/http";
import { type AnyProcedure, getErrorShape, getTRPCErrorFromUnknown, transformTRPCResponse } from "@trpc/server/unstable-core-do-not-import";
import { fromNodeHeaders } from "better-auth/node";
import { MAX_BATCH_SIZE } from "~/lib/trpc/limits";
import type { Auth } from "~/server/auth";
import { MAX_BODY_BYTES, bodyTooLargeMessage, readNodeBody } from "~/server/http/body";
import { gzipJsonAnswer } from "~/server/http/compress";
import { FOREIGN_ORIGIN_MESSAGE, isForeignOrigin } from "~/server/http/origin";
import type { Deps } from "~/server/services/deps";
import { appRouter } from "./root";
import { type Context, createContext } from "./trpc";

const ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS";

export type TrpcHttpOptions = {
  deps: Deps;
  auth: Auth;
  publicUrl: string;
  /** Procedures answered without the Fetch adapter when called alone; default DIRECT_PATHS (tests compare with none). */
  directPaths?: ReadonlySet<string>;
};

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
 * The procedures answered without tRPC's Fetch adapter when called alone (not batched): the
 * outbox sends each message as one `POST /api/trpc/message.send`. Turning a node request into
 * a Fetch Request and back (AbortSignal, ReadableStream, Headers, Response) cost ~0.6 ms of
 * CPU per send, a third of all the instance spends on it.
 */
const DIRECT_PATHS = new Set(["message.send"]);

/** A plain JSON call: what tRPC's JSON handler takes, and no streamed answer asked for (trpc-accept, jsonl). */
const isPlainJsonCall = (req: IncomingMessage) =>
  req.headers["content-type"]?.split(";", 1)[0]?.trim().toLowerCase() === "application/json" &&
  req.headers["trpc-accept"] === undefined &&
  !(req.headers.accept ?? "").split(",").some((type) => type.trim() === "application/jsonl");

/**
 * `/api/trpc/*` on the custom server's node:http request (server/main.ts), without Next: the
 * process passes its deps, integration tests their own.
 */
export function createTrpcHandler(options: TrpcHttpOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const directPaths = options.directPaths ?? DIRECT_PATHS;
  const onError = ({ error, path }: { error: TRPCError; path: string | undefined }) => {
    if (error.code === "INTERNAL_SERVER_ERROR") console.error(`[trpc] ${path ?? "?"}:`, error.cause ?? error);
  };
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
    onError,
  });

  /**
   * One unbatched call of a DIRECT_PATHS mutation, answered as tRPC's resolveResponse answers it
   * (same procedure, context, middlewares, error shape, status and headers), minus the Fetch
   * objects. Anything out of the ordinary (a refusal, another content type, a body that does
   * not parse) goes to tRPC's handler before the procedure runs, with the body already read
   * handed over as `req.body` (the node adapter takes it from there), so those answers are
   * tRPC's own.
   */
  const direct = async (req: IncomingMessage & { body?: string }, res: ServerResponse, path: string, headers: Headers): Promise<void> => {
    const config = appRouter._def._config;
    const answer = (json: Parameters<typeof getHTTPStatusCode>[0]) => {
      res.statusCode = getHTTPStatusCode(json);
      res.setHeader("content-type", "application/json");
      res.setHeader("vary", "trpc-accept, accept");
      res.end(JSON.stringify(transformTRPCResponse(config, json)));
    };
    const fail = (cause: unknown, ctx: Context | undefined, input: unknown) => {
      const error = getTRPCErrorFromUnknown(cause);
      onError({ error, path });
      answer({ error: getErrorShape({ config, ctx, error, input, path, type: "mutation" }) });
    };

    const body = await readNodeBody(req, MAX_BODY_BYTES);
    if (body === null) return;
    if (body === "too-large") {
      res.setHeader("Connection", "close");
      return fail(new TRPCError({ code: "PAYLOAD_TOO_LARGE" }), undefined, undefined);
    }
    const text = body.toString("utf8");
    let input: unknown;
    try {
      input = config.transformer.input.deserialize(JSON.parse(text));
    } catch {
      req.body = text;
      return handle(req, res);
    }
    let ctx: Context | undefined;
    try {
      ctx = await createContext({ deps: options.deps, auth: options.auth, headers });
      const procedure = appRouter._def.procedures[path as keyof typeof appRouter._def.procedures] as unknown as AnyProcedure;
      answer({ result: { data: await procedure({ path, getRawInput: () => Promise.resolve(input), ctx, type: "mutation", signal: undefined, batchIndex: 0 }) } });
    } catch (cause) {
      fail(cause, ctx, input);
    }
  };

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
    const path = req.method === "POST" && req.url?.startsWith("/api/trpc/") ? req.url.slice("/api/trpc/".length) : "";
    if (directPaths.has(path) && isPlainJsonCall(req)) {
      const headers = fromNodeHeaders(req.headers);
      if (!refusal(req, headers, options.publicUrl)) {
        direct(req, res, path, headers).catch((error: unknown) => {
          console.error(`[trpc] ${path}:`, error);
          if (!res.headersSent) res.writeHead(500).end();
        });
        return;
      }
    }
    handle(req, res);
  };
}
