import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import { eq } from "drizzle-orm";
import { username } from "better-auth/plugins";
import type { Db } from "~/db/client";
import { getDatabase } from "~/db/client";
import * as schema from "~/db/schema";
import { SESSION_EXPIRES_IN_S, SESSION_UPDATE_AGE_S, type SessionCache, processSessionInvalidation } from "./auth-cache";
import { resolveAuthSecret } from "./auth-secret";
import { findActor } from "./services/users";
import { type ThrottleStore, createDatabaseThrottleStore, createRedisThrottleStore, createSignInThrottle } from "./sign-in-throttle";
import { type Env, getEnv, publicUrl } from "./env";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "~/contracts/limits";

export type AuthOptions = {
  secret: string;
  baseURL: string;
  signInPerMinute?: number;
  /** Where sign-in attempts are counted; default this database's sign_in_throttle table. */
  throttleStore?: ThrottleStore;
  /** The throttle's clock; tests stop it so a block cannot run out while a password is hashed. */
  throttleClock?: () => number;
  /**
   * Told when sessions end, so no instance keeps believing them (server/auth-cache.ts); absent
   * where nothing caches sessions (a test of sign-in alone).
   */
  sessions?: Pick<SessionCache, "forgetSession" | "forgetUser">;
};

/** Endpoints after which some of the signed-in person's other sessions may be gone. */
const ENDS_SESSIONS = new Set(["/change-password", "/revoke-session", "/revoke-sessions", "/revoke-other-sessions"]);

/**
 * The client address the custom server wrote into X-Forwarded-For (server/http/client-address.ts).
 * Should a request arrive another way with a list, the rightmost entry is the one our side added.
 */
function clientAddressOf(headers: Headers | undefined): string {
  return headers?.get("x-forwarded-for")?.split(",").at(-1)?.trim() || "unknown";
}

function usernameOf(body: unknown): string {
  const username = (body as { username?: unknown } | undefined)?.username;
  return typeof username === "string" ? username : "";
}

/** Same-origin requests only: the origin the browser used must be the host it talked to. */
export function requestOrigin(request?: Request): string | undefined {
  if (!request) return undefined;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (!host) return undefined;
  const proto = request.headers.get("x-forwarded-proto") ?? new URL(request.url).protocol.replace(/:$/, "");
  return `${proto}://${host}`;
}

export function createAuth(db: Db, options: AuthOptions) {
  const throttle = createSignInThrottle(options.throttleStore ?? createDatabaseThrottleStore(db), options.signInPerMinute ?? 20, options.throttleClock);
  return betterAuth({
    appName: "Floorchat",
    secret: options.secret,
    baseURL: options.baseURL,
    basePath: "/api/auth",
    database: drizzleAdapter(db, { provider: "pg", schema, usePlural: true }),
    // Accounts are created by admins (and the demo seed), never by self sign-up.
    emailAndPassword: { enabled: true, disableSignUp: true, minPasswordLength: PASSWORD_MIN_LENGTH, maxPasswordLength: PASSWORD_MAX_LENGTH },
    plugins: [username()],
    user: {
      additionalFields: {
        role: { type: "string", input: false, defaultValue: "worker" },
        // Read with every session, so the stream handler refuses a deactivated user without another query.
        deactivatedAt: { type: "date", input: false, required: false },
      },
    },
    session: { expiresIn: SESSION_EXPIRES_IN_S, updateAge: SESSION_UPDATE_AGE_S },
    databaseHooks: {
      session: {
        create: {
          // A deactivated account gets the same answer as a wrong password: nothing tells a
          // guesser that the name exists.
          async before(session) {
            if (!(await findActor(db, session.userId))) {
              throw APIError.from("UNAUTHORIZED", { code: "INVALID_USERNAME_OR_PASSWORD", message: "Invalid username or password" });
            }
          },
        },
      },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/sign-in/username") return;
        const waitMs = await throttle.admit(clientAddressOf(ctx.headers), usernameOf(ctx.body));
        if (waitMs === null) return;
        const seconds = Math.max(1, Math.ceil(waitMs / 1000));
        throw new APIError(
          "TOO_MANY_REQUESTS",
          { code: "TOO_MANY_ATTEMPTS", message: `Too many sign-in attempts. Try again in ${seconds} s.` },
          { "Retry-After": String(seconds) },
        );
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (isAPIError(ctx.context.returned)) return;
        if (ctx.path === "/sign-in/username" && ctx.context.newSession) await throttle.succeeded(usernameOf(ctx.body));
        // The shared demo password no longer opens this account: stop warning about it.
        const userId = ctx.context.session?.user.id;
        if (ctx.path === "/change-password" && userId) await db.update(schema.users).set({ demoPassword: false }).where(eq(schema.users.id, userId));
        if (ctx.path === "/sign-out" && ctx.headers) options.sessions?.forgetSession(ctx.headers);
        if (ENDS_SESSIONS.has(ctx.path) && userId) options.sessions?.forgetUser(userId);
      }),
    },
    // Floorchat signs in by user name only; these endpoints would reveal whether a name exists
    // or offer a second way in. Names, user names and e-mail addresses are changed by admins
    // only (admin screens), so a worker cannot pass themselves off as someone else; deleting an
    // account is an admin's deactivation, which keeps the history.
    disabledPaths: [
      "/is-username-available",
      "/sign-in/email",
      "/sign-up/email",
      "/update-user",
      "/change-email",
      "/delete-user",
      "/delete-user/callback",
    ],
    // A LAN deployment is reached by IP or host name that PUBLIC_URL may not know; the CSRF check
    // still holds because the Origin must equal the host the request was sent to.
    trustedOrigins: (request) => [options.baseURL, requestOrigin(request)],
    rateLimit: {
      enabled: true,
      // Sign-in has its own throttle (hooks above), shared by all instances; better-auth's is per
      // instance and believes any X-Forwarded-For.
      customRules: { "/sign-in/*": false },
    },
    telemetry: { enabled: false },
    // Secure cookies only where the public URL is https: a tablet on the warehouse LAN reaching
    // http://10.0.0.5:3000 would otherwise never keep its session.
    // better-auth turns its origin (CSRF) check off by itself under a test runner; keep it on
    // so the tests exercise what production runs.
    advanced: { useSecureCookies: options.baseURL.startsWith("https:"), disableOriginCheck: false },
  });
}

export type Auth = ReturnType<typeof createAuth>;

const key = Symbol.for("floorchat.auth");
type Holder = { [key]?: Promise<Auth> };

/** The process's auth instance on the process's database. */
export function getAuth(env: Env = getEnv()): Promise<Auth> {
  const holder = globalThis as Holder;
  holder[key] ??= getDatabase(env).then((database) =>
    createAuth(database.db, {
      secret: resolveAuthSecret(env),
      baseURL: publicUrl(env),
      signInPerMinute: env.SIGN_IN_RATE_LIMIT,
      throttleStore: env.REDIS_URL ? createRedisThrottleStore(env.REDIS_URL, `${env.REDIS_PREFIX}sign-in:`) : undefined,
      sessions: processSessionInvalidation,
    }),
  );
  return holder[key];
}

/**
 * Sign-out as a plain form post: it works before the page has hydrated (a tap on a slow tablet
 * right after the page appears), and its full-page redirect leaves none of this user's data in
 * the page for the next person on a shared device. better-auth's own endpoint does the work,
 * origin check included; this only turns its JSON answer into a redirect.
 */
export async function signOutAndRedirect(auth: Auth, request: Request): Promise<Response> {
  const headers = new Headers();
  // x-forwarded-for: better-auth's own rate limit counts the sign-out against this client, not
  // against one bucket shared by everybody.
  for (const name of ["cookie", "origin", "host", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-for"]) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const answer = await auth.handler(new Request(new URL("/api/auth/sign-out", request.url), { method: "POST", headers }));
  if (answer.status === 403) return answer;
  const redirect = new Headers({ location: "/sign-in", "cache-control": "no-store" });
  for (const cookie of answer.headers.getSetCookie()) redirect.append("set-cookie", cookie);
  return new Response(null, { status: 303, headers: redirect });
}
