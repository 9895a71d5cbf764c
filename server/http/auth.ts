import type { Auth } from "~/server/auth";
import { errorResponse } from "~/server/rest/core";
import { MAX_BODY_BYTES, bodyTooLargeMessage, withLimitedBody } from "./body";

/**
 * `/api/auth/*` (better-auth), callable without Next. Sign-in bodies are a few hundred bytes,
 * and better-auth would read a body of any length into memory, so one past the limit is
 * refused first.
 */
export async function handleAuthRequest(req: Request, auth: Auth): Promise<Response> {
  const request = await withLimitedBody(req, MAX_BODY_BYTES);
  if (!request) return errorResponse(413, "too_large", bodyTooLargeMessage(MAX_BODY_BYTES));
  return auth.handler(request);
}
