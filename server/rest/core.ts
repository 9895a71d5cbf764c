import { type z } from "zod";
import { httpStatusOf } from "~/contracts/errors";
import { DomainError } from "~/server/domain-error";
import { MAX_BODY_BYTES, readLimitedBody } from "~/server/http/body";
import type { Deps } from "~/server/services/deps";
import { type Scope, type TokenPrincipal, authenticateToken } from "~/server/services/tokens";
import type { RateLimiter } from "~/server/services/rate-limit";
import { hasUnstorableText } from "~/server/http/unstorable-text";

/**
 * The REST API for scripts (`/api/v1/…`, README "API for scripts"). Each route declares its
 * zod schemas once: they validate requests and generate the OpenAPI document (openapi.ts).
 */
export const MAX_REQUEST_BYTES = MAX_BODY_BYTES;

export type Method = "GET" | "POST" | "PUT" | "DELETE";

export type RouteContext<P, B, Q = undefined> = { deps: Deps; token: TokenPrincipal; params: P; body: B; query: Q };

export type Route = {
  method: Method;
  /** OpenAPI-style template, e.g. `/entities/{type}/{key}`. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  scope: Scope;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  response: z.ZodType;
  /** 200 unless given (201 for creations). */
  status?: number;
  /** Error statuses besides 400/401/403/429 that the route can answer. */
  errors?: number[];
  handle: (ctx: RouteContext<never, never, never>) => Promise<unknown>;
};

/** Declares a route with its handler typed from its schemas. */
export function route<
  P extends z.ZodObject | undefined,
  B extends z.ZodType | undefined,
  R extends z.ZodType,
  Q extends z.ZodObject | undefined = undefined,
>(
  definition: Omit<Route, "handle" | "params" | "body" | "response" | "query"> & {
    params?: P;
    query?: Q;
    body?: B;
    response: R;
    handle: (
      ctx: RouteContext<
        P extends z.ZodObject ? z.output<P> : undefined,
        B extends z.ZodType ? z.output<B> : undefined,
        Q extends z.ZodObject ? z.output<Q> : undefined
      >,
    ) => Promise<z.input<R>>;
  },
): Route {
  return definition;
}

export function errorResponse(status: number, code: string, message: string, fields?: Record<string, string>): Response {
  return Response.json({ error: { code, message, ...(fields ? { fields } : {}) } }, { status });
}

function fieldsOf(error: z.ZodError, prefix: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = [prefix, ...issue.path.map(String)].filter(Boolean).join(".") || "body";
    fields[field] ??= issue.message;
  }
  return fields;
}

function compile(path: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const pattern = path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  return { regex: new RegExp(`^${pattern}$`), names };
}

async function readBody(request: Request): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const bytes = await readLimitedBody(request, MAX_REQUEST_BYTES);
  if (!bytes) return { ok: false, response: errorResponse(413, "too_large", `A request body has at most ${MAX_REQUEST_BYTES} bytes`) };
  const text = Buffer.from(bytes).toString("utf8");
  if (text.trim() === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, response: errorResponse(400, "invalid", "The body is not valid JSON") };
  }
}

/** Path parameters, percent-decoded; null when a value is not valid percent-encoded UTF-8. */
function decodeParams(names: string[], match: RegExpExecArray): Record<string, string> | null {
  try {
    return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
  } catch {
    return null;
  }
}

export type RestOptions = { deps: Deps; limiter: RateLimiter };

/** Builds the handler for `/api/v1/*` from the routes. Public routes (documentation) skip the token. */
export function createRestHandler(routes: Route[], publicRoutes: Record<string, (request: Request) => Response | Promise<Response>>) {
  const compiled = routes.map((r) => ({ route: r, ...compile(r.path) }));
  return async function handle(request: Request, options: RestOptions): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname.replace(/^\/api\/v1/, "") || "/";
    const open = publicRoutes[path];
    if (open && request.method === "GET") return open(request);

    const candidates = compiled.flatMap((c) => {
      const match = c.regex.exec(path);
      return match ? [{ ...c, match }] : [];
    });
    if (candidates.length === 0) return errorResponse(404, "not_found", `No API route ${path}`);
    const found = candidates.find((c) => c.route.method === request.method);
    if (!found) {
      const allow = candidates.map((c) => c.route.method).join(", ");
      return new Response(JSON.stringify({ error: { code: "method_not_allowed", message: `Use ${allow}` } }), {
        status: 405,
        headers: { "content-type": "application/json", allow },
      });
    }

    try {
      const token = await authenticateToken(options.deps.db, request.headers.get("authorization"));
      if (!token.scopes.includes(found.route.scope)) {
        throw new DomainError("forbidden", `This token lacks the scope ${found.route.scope}`);
      }
      if (!options.limiter.take(token.id)) throw new DomainError("rate_limited", "Too many requests for this token; slow down");

      const rawParams = decodeParams(found.names, found.match);
      if (!rawParams) return errorResponse(400, "invalid", "The path has bad percent-encoding");
      const rawQuery = Object.fromEntries(url.searchParams);
      // Text with U+0000 would reach PostgreSQL and fail there (server/http/unstorable-text.ts).
      if (hasUnstorableText([rawParams, rawQuery])) return errorResponse(400, "invalid", "Text holds a character that cannot be stored (NUL or half a surrogate pair)");
      const params = found.route.params ? found.route.params.safeParse(rawParams) : { success: true as const, data: rawParams };
      if (!params.success) return errorResponse(400, "invalid", "Invalid path", fieldsOf(params.error, ""));

      const query = found.route.query ? found.route.query.safeParse(rawQuery) : { success: true as const, data: undefined };
      if (!query.success) return errorResponse(400, "invalid", "Invalid query", fieldsOf(query.error, ""));

      let body: unknown;
      if (found.route.body) {
        const raw = await readBody(request);
        if (!raw.ok) return raw.response;
        if (hasUnstorableText(raw.value)) return errorResponse(400, "invalid", "Text holds a character that cannot be stored (NUL or half a surrogate pair)");
        const parsed = found.route.body.safeParse(raw.value ?? {});
        if (!parsed.success) return errorResponse(400, "invalid", "Invalid request body", fieldsOf(parsed.error, ""));
        body = parsed.data;
      }
      const result = await found.route.handle({ deps: options.deps, token, params: params.data as never, body: body as never, query: query.data as never });
      return Response.json(result, { status: found.route.status ?? 200 });
    } catch (error) {
      if (error instanceof DomainError) return errorResponse(httpStatusOf(error.code), error.code, error.message, error.fields);
      console.error(`[rest] ${request.method} ${path}:`, error);
      return errorResponse(500, "internal", "Something went wrong on our side");
    }
  };
}
