import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { type Db, rawRows } from "~/db/client";
import type { Auth } from "./auth";
import type { Actor } from "./domain-error";
import type { Bus } from "./realtime/bus";
import { loadPermissions } from "./services/permissions";
import { findActor } from "./services/users";

/** Its own bus channel: the hub reads only "events". */
export const AUTH_CHANNEL = "auth";

/** How long a resolved session is believed without asking the database; also how often live streams re-check theirs. */
export const SESSION_TTL_MS = 30_000;

/** better-auth's session settings (server/auth.ts): a session lives 30 days, slid forward at most daily. */
export const SESSION_EXPIRES_IN_S = 60 * 60 * 24 * 30;
export const SESSION_UPDATE_AGE_S = 60 * 60 * 24;

type Invalidation = { session: string } | { user: string };

/** A resolved session: who, and its token (what a live stream re-checks by). */
export type ResolvedSession = { actor: Actor; token: string };

type Entry = ResolvedSession & { expiresAt: number };

/**
 * Who a session cookie belongs to, kept in memory for at most `ttlMs` so a request costs no
 * session, user or permission query while it is fresh. Every instance holds its own and drops
 * entries when any instance publishes on AUTH_CHANNEL (sign-out, password change, session
 * revocation, deactivation). Pub/sub may lose a message, so the TTL bounds how long a revoked
 * session can still be believed; it also bounds how long a role or permission changed in SQL
 * (the app has no screen for either) takes to apply.
 */
export type SessionCache = {
  /** The signed-in actor for these request headers, or null; its permissions come with it (services/permissions.ts). */
  actor(auth: Auth, db: Db, headers: Headers): Promise<Actor | null>;
  /** As `actor`, with the session's token. */
  session(auth: Auth, db: Db, headers: Headers): Promise<ResolvedSession | null>;
  /** The session these headers carry has ended (sign-out). */
  forgetSession(headers: Headers): void;
  /** Everything this person signed in with: deactivation, password change, revoked sessions. */
  forgetUser(userId: string): void;
  readonly size: number;
  close(): void;
};

export type SessionCacheOptions = { bus: Bus; ttlMs?: number; maxEntries?: number; now?: () => number };

/**
 * The key of the session cookie(s) in a Cookie header, hashed so memory never holds a usable
 * token; null without one (anonymous: nothing to look up). The raw signed value is hashed: a
 * key is only ever stored after better-auth accepted that exact value.
 */
export function sessionKey(cookieHeader: string | null): string | null {
  if (!cookieHeader) return null;
  const values: string[] = [];
  for (const pair of cookieHeader.split(";")) {
    const at = pair.indexOf("=");
    if (at > 0 && pair.slice(0, at).trim().endsWith("session_token")) values.push(pair.slice(at + 1).trim());
  }
  if (values.length === 0) return null;
  return createHash("sha256").update(values.join(";")).digest("base64url");
}

function announce(bus: Bus, message: Invalidation): Promise<void> {
  return bus.publish(AUTH_CHANNEL, JSON.stringify(message));
}

/**
 * forgetUser from a process with no cache of its own (`npm run user:password`): every instance
 * listening on `bus` drops this person's sessions.
 */
export function announceUserSessionsEnded(bus: Bus, userId: string): Promise<void> {
  return announce(bus, { user: userId });
}

export function createSessionCache(options: SessionCacheOptions): SessionCache {
  const ttlMs = Math.min(options.ttlMs ?? SESSION_TTL_MS, SESSION_TTL_MS);
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  // Map order is recency order: a hit moves its entry to the end, the first is the least recent.
  const entries = new Map<string, Entry>();
  // Bumped by every invalidation: a lookup that was under way meanwhile may have read the old
  // state, so its answer is used but not kept.
  let epoch = 0;

  const drop = (message: Invalidation) => {
    epoch++;
    if ("session" in message) entries.delete(message.session);
    else for (const [key, entry] of entries) if (entry.actor.id === message.user) entries.delete(key);
  };
  const publish = (message: Invalidation) => {
    // At once here; the other instances when the bus delivers it (this one again, harmlessly).
    drop(message);
    announce(options.bus, message).catch((error: unknown) => console.error("[sessions] publish:", error));
  };
  const unsubscribe = options.bus.subscribe((channel, payload) => {
    if (channel !== AUTH_CHANNEL) return;
    try {
      drop(JSON.parse(payload) as Invalidation);
    } catch {
      // Not ours to read (another version's message): forgetting everything is always safe.
      epoch++;
      entries.clear();
    }
  });

  // Entries made together (a shift signing in, streams reconnecting after a deploy) would expire
  // together and be looked up again in one burst: each lives a random 75–100% of the TTL.
  const lifetime = () => ttlMs * (0.75 + Math.random() * 0.25);

  /** Believed until its own lifetime or the session's expiry, whichever comes first. */
  const entryFor = (actor: Actor, token: string, sessionExpiresAt: string | Date): Entry => ({
    actor,
    token,
    expiresAt: Math.min(now() + lifetime(), new Date(sessionExpiresAt).getTime()),
  });

  const keep = (key: string, entry: Entry, started: number) => {
    if (epoch !== started) return;
    entries.set(key, entry);
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
  };

  /**
   * An expired entry checked again by its token in one query: the cookie's signature was
   * verified when the entry was made, so only the database's side can have changed (the session
   * revoked or past its expiry, the person deactivated or given another role). null: not valid
   * as it stands, or due to be slid forward (better-auth's updateAge), so better-auth decides.
   */
  async function revalidate(db: Db, cached: Entry): Promise<Entry | null> {
    const [row] = await rawRows<{ id: string; username: string | null; name: string; role: Actor["role"]; expires_at: string | Date }>(
      db,
      sql`select u.id, u.username, u.name, u.role, s.expires_at from sessions s join users u on u.id = s.user_id
        where s.token = ${cached.token} and u.deactivated_at is null
          and s.expires_at > now() + make_interval(secs => ${SESSION_EXPIRES_IN_S - SESSION_UPDATE_AGE_S})`,
    );
    if (!row?.username) return null;
    const actor = Object.freeze({ id: row.id, username: row.username, name: row.name, role: row.role });
    await loadPermissions(db, actor);
    return entryFor(actor, cached.token, row.expires_at);
  }

  async function session(auth: Auth, db: Db, headers: Headers): Promise<ResolvedSession | null> {
    const key = sessionKey(headers.get("cookie"));
    if (!key) return null;
    const cached = entries.get(key);
    if (cached && cached.expiresAt > now()) {
      entries.delete(key);
      entries.set(key, cached);
      return cached;
    }
    entries.delete(key);
    const started = epoch;
    if (cached) {
      const renewed = await revalidate(db, cached);
      if (renewed) {
        keep(key, renewed, started);
        return renewed;
      }
    }
    // better-auth checks the cookie's signature and the session's expiry (~20 ms, ~4.5 ms of CPU
    // on PostgreSQL here): the cost a hit saves.
    const found = await auth.api.getSession({ headers });
    const resolved = found ? await findActor(db, found.user.id) : null;
    if (!found || !resolved) return null;
    // Shared by every request of the session while cached: nobody may change it in passing.
    const actor = Object.freeze(resolved);
    await loadPermissions(db, actor);
    const entry = entryFor(actor, found.session.token, found.session.expiresAt);
    keep(key, entry, started);
    return entry;
  }

  return {
    actor: (auth, db, headers) => session(auth, db, headers).then((found) => found?.actor ?? null),
    session,
    forgetSession(headers) {
      const key = sessionKey(headers.get("cookie"));
      if (key) publish({ session: key });
    },
    forgetUser: (userId) => publish({ user: userId }),
    get size() {
      return entries.size;
    },
    close: unsubscribe,
  };
}

const processKey = Symbol.for("floorchat.sessions");
type Holder = { [processKey]?: SessionCache };

/** Set by server/main.ts; one object for the whole process, so Next's bundle sees the same cache. */
export function setProcessSessionCache(cache: SessionCache): void {
  (globalThis as Holder)[processKey] = cache;
}

export function getProcessSessionCache(): SessionCache {
  const cache = (globalThis as Holder)[processKey];
  if (!cache) throw new Error("The session cache is not running: start Floorchat with `npm start` (server/main.ts).");
  return cache;
}

/** For better-auth's hooks, created before the cache may be: forwards to the process cache once there is one. */
export const processSessionInvalidation: Pick<SessionCache, "forgetSession" | "forgetUser"> = {
  forgetSession: (headers) => (globalThis as Holder)[processKey]?.forgetSession(headers),
  forgetUser: (userId) => (globalThis as Holder)[processKey]?.forgetUser(userId),
};
