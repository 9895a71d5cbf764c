import { getAuth } from "~/server/auth";
import { getEnv } from "~/server/env";
import { getProcessDeps } from "~/server/process-deps";
import { createCaller } from "./root";
import { createContext } from "./trpc";

/**
 * The tRPC procedures for a server component, as the request's signed-in user (guards and
 * output schemas apply as over HTTP). Pages only read: sending, the one rate-limited action,
 * goes through /api/trpc, so this caller refuses it.
 */
export async function createServerCaller(headers: Headers) {
  return createCaller(await createServerContext(headers));
}

/** The context of a server component's calls (createServerCaller, or a page's prefetch). */
export async function createServerContext(headers: Headers) {
  const env = getEnv();
  const [deps, auth] = await Promise.all([getProcessDeps(env), getAuth(env)]);
  return createContext({ deps: { ...deps, sendLimiter: { take: () => false } }, auth, headers });
}
