import { getDb } from "~/db/client";
import { getAuth } from "~/server/auth";
import type { Actor } from "~/server/domain-error";
import { getEnv } from "~/server/env";
import { findActor } from "~/server/services/users";

/** The signed-in actor for a page or route request, or null. */
export async function getSessionActor(headers: Headers): Promise<Actor | null> {
  const env = getEnv();
  const auth = await getAuth(env);
  const session = await auth.api.getSession({ headers });
  if (!session) return null;
  return findActor(await getDb(env), session.user.id);
}
