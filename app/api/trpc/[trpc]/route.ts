import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getDb } from "~/db/client";
import { appRouter } from "~/server/api/root";
import { createContext } from "~/server/api/trpc";
import { getAuth } from "~/server/auth";
import { getEnv } from "~/server/env";
import { getProcessRealtime } from "~/server/realtime";
import { SEND_RATE, createRateLimiter } from "~/server/services/rate-limit";

// Per process: each app instance limits the senders it serves (README, Limits).
const sendLimiter = createRateLimiter(SEND_RATE);

async function handler(req: Request) {
  const env = getEnv();
  const [db, auth] = await Promise.all([getDb(env), getAuth(env)]);
  const realtime = getProcessRealtime();
  const deps = { db, realtime, presence: realtime.presence, sendLimiter };
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
