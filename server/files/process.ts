import { getSessionActor } from "~/server/api/session";
import { getEnv, publicUrl } from "~/server/env";
import { getProcessDeps } from "~/server/process-deps";
import { getProcessStorage } from "~/server/storage";
import type { FileRouteContext } from "./http";
import { DEFAULT_ATTACHMENT_TYPES } from "./sniff";

/** The file routes' context in this process: its deps and storage, the request's session. */
export async function fileRouteContext(request: Request): Promise<FileRouteContext> {
  const env = getEnv();
  const [deps, actor] = await Promise.all([getProcessDeps(env), getSessionActor(request.headers)]);
  return { deps, storage: getProcessStorage(env), actor, allowedTypes: env.ATTACHMENT_TYPES ?? DEFAULT_ATTACHMENT_TYPES, publicUrl: publicUrl(env) };
}
