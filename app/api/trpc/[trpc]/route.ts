import { handleTrpcRequest } from "~/server/api/http";
import { getAuth } from "~/server/auth";
import { getEnv, publicUrl } from "~/server/env";
import { getProcessDeps } from "~/server/process-deps";

async function handler(req: Request) {
  const env = getEnv();
  const [deps, auth] = await Promise.all([getProcessDeps(env), getAuth(env)]);
  return handleTrpcRequest(req, { deps, auth, publicUrl: publicUrl(env) });
}

export { handler as GET, handler as POST };
