import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "~/server/api/root";
import { createContext } from "~/server/api/trpc";
import { getAuth } from "~/server/auth";
import { getEnv } from "~/server/env";
import { getProcessDeps } from "~/server/process-deps";

async function handler(req: Request) {
  const env = getEnv();
  const [deps, auth] = await Promise.all([getProcessDeps(env), getAuth(env)]);
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createContext({ deps, auth, headers: req.headers }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`[trpc] ${path ?? "?"}:`, error.cause ?? error);
    },
  });
}

export { handler as GET, handler as POST };
