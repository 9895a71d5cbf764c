import type { Db } from "~/db/client";
import type { Deps } from "~/server/services/deps";
import { createCaller } from "~/server/api/root";
import { createContext } from "~/server/api/trpc";
import { type Auth, createAuth } from "~/server/auth";
import type { SessionCache } from "~/server/auth-cache";
import { createUser } from "~/server/services/users";
import type { Role } from "~/db/schema";

export const TEST_ORIGIN = "http://localhost:3000";

export function createTestAuth(db: Db, sessions?: Pick<SessionCache, "forgetSession" | "forgetUser">): Auth {
  return createAuth(db, { secret: "test-secret-that-is-at-least-32-characters", baseURL: TEST_ORIGIN, sessions });
}

export const PASSWORD = "correct horse battery";

/** Persona fixtures: one user per role, plus an outsider with no groups. */
export async function createPersonas(db: Db) {
  const make = (username: string, name: string, role: Role) => createUser(db, "system", { username, name, role, password: PASSWORD });
  return {
    admin: await make("alice", "Alice Admin", "admin"),
    manager: await make("mark", "Mark Manager", "manager"),
    picker: await make("pia", "Pia Picker", "worker"),
    outsider: await make("olaf", "Olaf Outsider", "worker"),
  };
}

export function signInRequest(username: string, password: string): Request {
  return new Request(`${TEST_ORIGIN}/api/auth/sign-in/username`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: TEST_ORIGIN },
    body: JSON.stringify({ username, password }),
  });
}

/** Signs in through better-auth's real HTTP handler and returns the session cookie. */
export async function signIn(auth: Auth, username: string, password = PASSWORD): Promise<string> {
  const response = await auth.handler(signInRequest(username, password));
  if (response.status !== 200) throw new Error(`sign-in of ${username} failed: ${response.status}`);
  return cookieFrom(response);
}

export function cookieFrom(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";", 1)[0])
    .join("; ");
}

/** A tRPC caller acting exactly as a request carrying `cookie` would (null: anonymous). */
export async function callerFor(deps: Deps, auth: Auth, cookie: string | null) {
  const headers = new Headers(cookie ? { cookie } : {});
  return createCaller(await createContext({ deps, auth, headers }));
}
