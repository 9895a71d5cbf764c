import { getEnv, publicUrl } from "~/server/env";
import { getProcessDeps } from "~/server/process-deps";
import { createRateLimiter } from "~/server/services/rate-limit";
import { type Route, createRestHandler } from "./core";
import { approvalRoutes } from "./approvals";
import { buildOpenApi, renderDocs } from "./openapi";
import { chatRoutes, recordRoutes } from "./routes";
import { smsRoutes } from "./sms";

export const ROUTES: Route[] = [...recordRoutes, ...chatRoutes, ...approvalRoutes, ...smsRoutes];

export function createRest(routes: Route[], serverUrl: string) {
  const doc = buildOpenApi(routes, serverUrl);
  const html = renderDocs(doc);
  return createRestHandler(routes, {
    "/openapi.json": () => Response.json(doc),
    "/docs": () => new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } }),
  });
}

type Holder = { __floorchatRest?: { handle: ReturnType<typeof createRest>; limiter: ReturnType<typeof createRateLimiter> } };

/** The process's REST handler (app/api/v1/[...path]/route.ts). */
export async function handleRestRequest(request: Request): Promise<Response> {
  const env = getEnv();
  const holder = globalThis as Holder;
  holder.__floorchatRest ??= {
    handle: createRest(ROUTES, publicUrl(env)),
    limiter: createRateLimiter({ ratePerSecond: env.API_RATE_LIMIT, burst: env.API_RATE_LIMIT * 2 }),
  };
  const deps = await getProcessDeps(env);
  return holder.__floorchatRest.handle(request, { deps, limiter: holder.__floorchatRest.limiter });
}
