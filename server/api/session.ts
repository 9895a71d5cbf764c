import { getDb } from "~/db/client";
import { getAuth } from "~/server/auth";
import { getProcessSessionCache } from "~/server/auth-cache";
import type { Actor } from "~/server/domain-error";
import { getEnv } from "~/server/env";

/** The signed-in actor for a page or route request, or null (the process's session cache). */
export async function getSessionActor(headers: Headers): Promise<Actor | null> {
  const env = getEnv();
  const [auth, db] = await Promise.all([getAuth(env), getDb(env)]);
  return getProcessSessionCache().actor(auth, db, headers);
}
