import { TRPCError, initTRPC } from "@trpc/server";
import { wire } from "~/lib/trpc/wire";
import { ZodError } from "zod";
import type { Deps } from "~/server/services/deps";
import { ERROR_CODES } from "~/contracts/errors";
import { type Actor, DomainError, isManager } from "~/server/domain-error";
import type { Auth } from "~/server/auth";
import { MAX_BODY_BYTES, bodyTooLargeMessage } from "~/server/http/body";
import { hasUnstorableText } from "~/server/http/unstorable-text";

export type Context = Deps & { actor: Actor | null };

/** Resolves the signed-in actor from the request's session cookie (from memory while fresh: server/auth-cache.ts). */
export async function createContext(opts: { deps: Deps; auth: Auth; headers: Headers }): Promise<Context> {
  return { ...opts.deps, actor: await opts.deps.sessions.actor(opts.auth, opts.deps.db, opts.headers) };
}

const t = initTRPC.context<Context>().create({
  transformer: wire,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    let fields: Record<string, string> | null = null;
    if (cause instanceof ZodError) {
      fields = {};
      for (const issue of cause.issues) {
        const field = issue.path.join(".") || "input";
        fields[field] ??= issue.message;
      }
    } else if (cause instanceof DomainError && cause.fields) {
      fields = cause.fields;
    }
    // Unexpected errors (database, bugs) are logged by onError in the handler, never shown. A
    // body cut off at the limit by tRPC's reader says which limit, as one refused up front does.
    const message =
      shape.data.code === "INTERNAL_SERVER_ERROR"
        ? "Something went wrong"
        : shape.data.code === "PAYLOAD_TOO_LARGE"
          ? bodyTooLargeMessage(MAX_BODY_BYTES)
          : shape.message;
    return { ...shape, message, data: { code: shape.data.code, httpStatus: shape.data.httpStatus, fields } };
  },
});

/** Maps DomainError to its tRPC code in one place, so services stay protocol-free. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: ERROR_CODES[cause.code].trpc, message: cause.message, cause });
  }
  return result;
});

/**
 * Every mutation counts against its user's limit (Deps.mutationLimiter), so one session cannot
 * flood the server with typing, reactions or read marks; message.send also has its own,
 * tighter limit. Queries are not counted. Anonymous calls are refused by their procedures.
 */
const mutationRateLimit = t.middleware(({ ctx, type, next }) => {
  if (type === "mutation" && ctx.actor && !ctx.mutationLimiter.take(ctx.actor.id)) {
    throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: "Too many actions at once; wait a moment" });
  }
  return next();
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
/** Before any input schema: text with U+0000 would reach PostgreSQL and fail there (server/http/unstorable-text.ts). */
const refuseNul = t.middleware(async ({ getRawInput, next }) => {
  if (hasUnstorableText(await getRawInput())) throw new TRPCError({ code: "BAD_REQUEST", message: "Text holds a character that cannot be stored (NUL or half a surrogate pair)" });
  return next();
});

export const publicProcedure = t.procedure.use(domainErrors).use(refuseNul).use(mutationRateLimit);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.actor) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});

export const managerProcedure = authedProcedure.use(({ ctx, next }) => {
  if (!isManager(ctx.actor)) throw new TRPCError({ code: "FORBIDDEN", message: "Managers only" });
  return next();
});

export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.actor.role !== "admin") throw new TRPCError({ code: "FORBIDDEN", message: "Admins only" });
  return next();
});
