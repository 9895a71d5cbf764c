import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { and, eq, gt, isNull, lte, or, sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import { HEARTBEAT_MS } from "~/lib/realtime/stream-watchdog";
import { chats, events, users } from "~/db/schema";
import { type Audience, canReadChat, chatAudience } from "~/server/services/access";
import type { Envelope } from "./envelope";
import { type StreamEvent, frameBody, toFrame } from "./events";

type Pending = { body: string; id: number | undefined };

const AUDIENCE_TTL_MS = 60_000;
const MAX_CACHED_AUDIENCES = 20_000;

export type Connection = {
  /** Told to the client in `hello`, so it can say what this connection's page shows. */
  id: string;
  userId: string;
  res: ServerResponse;
  /** False while backfilling: live frames wait in `pending`. */
  live: boolean;
  pending: Pending[];
  /** Events up to here were covered by the backfill (or predate the connection's state). */
  cursor: number;
  /** Highest id written: an `id:` line only ever moves the browser's Last-Event-ID forward. */
  maxSentId: number;
  /** Takes the connection out of the hub (idempotent). */
  remove: () => void;
};

export type HubOptions = {
  db: Db;
  heartbeatMs?: number;
  /** A client whose unsent data passes this is cut off; it reconnects and backfills. */
  maxBufferedBytes?: number;
  /** Past this many missed events a reconnecting client is told to reload instead. */
  backfillLimit?: number;
  onUserOnline?: (userId: string) => void;
  onUserOffline?: (userId: string) => void;
  /** Awaited before the connection's `hello`, so the client's first report finds it registered. */
  onConnectionOpen?: (connectionId: string, userId: string) => Promise<void>;
  onConnectionClose?: (connectionId: string, userId: string) => void;
};

/**
 * The live connections of this instance and the routing of events to them. Each envelope
 * is serialised once and the same frame is written to every connection allowed to see it.
 */
export class Hub {
  private readonly byUser = new Map<string, Set<Connection>>();
  /** Who reads each chat, as last looked up; cleared by the chat's changes, and aged out. */
  private readonly audiences = new Map<string, { audience: Promise<Audience | null>; at: number }>();
  /** Envelopes are routed one after another, so every connection gets them in arrival order. */
  private chain: Promise<void> = Promise.resolve();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly maxBufferedBytes: number;
  private readonly backfillLimit: number;
  private connections = 0;

  constructor(private readonly options: HubOptions) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
    this.backfillLimit = options.backfillLimit ?? 5_000;
    // Proxies and mobile networks drop idle streams; a heartbeat keeps them open and lets the
    // client notice a dead one (lib/realtime/stream-watchdog.ts).
    this.heartbeat = setInterval(() => this.broadcastLocal({ type: "heartbeat", serverTime: new Date().toISOString() }), options.heartbeatMs ?? HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.connections;
  }

  localUserIds(): string[] {
    return [...this.byUser.keys()];
  }

  isLocal(userId: string): boolean {
    return this.byUser.has(userId);
  }

  /** An envelope from the bus (this instance's own publishes included). */
  receive(envelope: Envelope): void {
    this.chain = this.chain
      .then(() => this.route(envelope))
      .catch((error: unknown) => console.error("[hub] routing failed:", error));
  }

  /** Delivers an event to this instance's connections only (heartbeats, the presence sweep). */
  broadcastLocal(event: StreamEvent, except?: string): void {
    const body = frameBody(event);
    for (const [userId, set] of this.byUser) {
      if (userId === except) continue;
      for (const connection of set) this.write(connection, body, undefined);
    }
  }

  /**
   * Opens a stream. It starts with `hello` (the connection's id); then the order matters and
   * is what makes a reconnect lose nothing:
   * 1. register, so live events from now on are caught (held in `pending`);
   * 2. read the head of the event log and backfill `(lastEventId, head]` from the database;
   * 3. go live, writing what was held back unless the backfill already covered it.
   * Event ids follow commit order (server/services/events.ts), so `≤ head` is complete.
   */
  async connect(userId: string, res: ServerResponse, lastEventId: number | null): Promise<() => void> {
    const connection: Connection = { id: randomUUID(), userId, res, live: false, pending: [], cursor: 0, maxSentId: 0, remove: () => {} };
    let set = this.byUser.get(userId);
    if (!set) {
      set = new Set();
      this.byUser.set(userId, set);
      this.options.onUserOnline?.(userId);
    }
    set.add(connection);
    this.connections++;
    let removed = false;
    const remove = () => {
      if (removed) return;
      removed = true;
      this.connections--;
      const current = this.byUser.get(userId);
      current?.delete(connection);
      if (current?.size === 0) {
        this.byUser.delete(userId);
        this.options.onUserOffline?.(userId);
      }
      this.options.onConnectionClose?.(connection.id, userId);
    };
    connection.remove = remove;
    try {
      await this.open(connection, lastEventId);
    } catch (error) {
      // A connection that never went live would hold its `pending` frames without bound and
      // keep its user looking online: drop it and let the client reconnect and backfill.
      remove();
      res.end();
      throw error;
    }
    return remove;
  }

  private async open(connection: Connection, lastEventId: number | null): Promise<void> {
    const { userId, res } = connection;
    // Without the registration a client cannot report what it shows; the stream still works.
    await this.options.onConnectionOpen?.(connection.id, userId).catch((error: unknown) => console.error("[hub] connection open:", error));
    res.write(toFrame({ type: "hello", connectionId: connection.id }));

    const [bounds] = await this.options.db
      .select({
        head: sql<number>`coalesce(max(${events.id}), 0)`.mapWith(Number),
        oldest: sql<number>`coalesce(min(${events.id}), 0)`.mapWith(Number),
        // Read after registering: a deactivation that committed before this read is seen here,
        // one that commits after it reaches this connection as a `user.deactivated` envelope.
        isActive: sql<boolean>`exists (select 1 from ${users} where ${users.id} = ${userId} and ${users.deactivatedAt} is null)`,
      })
      .from(events);
    if (!bounds?.isActive) {
      connection.remove();
      res.end();
      return;
    }
    const headId = bounds?.head ?? 0;
    if (lastEventId !== null && lastEventId < headId) {
      // Events after the cursor may have been pruned (pruneEvents): then the log cannot fill the gap.
      const pruned = (bounds?.oldest ?? 0) > lastEventId + 1;
      const missed = pruned ? [] : await this.backfill(userId, lastEventId, headId);
      if (pruned || missed.length > this.backfillLimit) {
        res.write(toFrame({ type: "resync", reason: pruned ? "missed events expired" : "too many missed events" }));
      } else {
        for (const row of missed) res.write(toFrame(row.payload as StreamEvent, row.id));
      }
    }
    res.write(toFrame({ type: "ready", userId, lastEventId: headId, serverTime: new Date().toISOString() }, headId));
    connection.cursor = headId;
    connection.maxSentId = headId;
    connection.live = true;
    for (const { body, id } of connection.pending.splice(0)) this.write(connection, body, id);
  }

  private backfill(userId: string, after: number, head: number) {
    return this.options.db
      .select({ id: events.id, payload: events.payload })
      .from(events)
      // Left join: a deleted chat's last event outlives the chat.
      .leftJoin(chats, eq(chats.id, events.chatId))
      .where(
        and(
          gt(events.id, after),
          lte(events.id, head),
          or(
            and(isNull(events.onlyUserIds), canReadChat(userId)),
            sql`${userId} = any(${events.onlyUserIds})`,
            sql`${userId} = any(${events.alsoUserIds})`,
            eq(events.alsoEveryone, true),
          ),
        ),
      )
      .orderBy(events.id)
      .limit(this.backfillLimit + 1);
  }

  private audience(chatId: string): Promise<Audience | null> {
    const now = Date.now();
    const cached = this.audiences.get(chatId);
    // The age limit bounds staleness from changes that carry no chat event (group membership).
    if (cached && now - cached.at < AUDIENCE_TTL_MS) return cached.audience;
    const audience = chatAudience(this.options.db, chatId);
    this.audiences.delete(chatId);
    this.audiences.set(chatId, { audience, at: now });
    audience.catch(() => this.audiences.delete(chatId));
    if (this.audiences.size > MAX_CACHED_AUDIENCES) this.audiences.delete(this.audiences.keys().next().value!);
    return audience;
  }

  /**
   * Ends every stream of the user on this instance; the client's reconnect is refused (401).
   * Destroyed rather than ended: a connection still backfilling writes on, which is harmless on a
   * destroyed response and an error after end().
   */
  private disconnectUser(userId: string): void {
    for (const connection of [...(this.byUser.get(userId) ?? [])]) {
      connection.remove();
      connection.res.destroy();
    }
  }

  private async route(envelope: Envelope): Promise<void> {
    const { event, chatId } = envelope;
    if (event.type === "user.deactivated") return this.disconnectUser(event.userId);
    // A change of a chat may change who reads it: forget the cached audience first.
    if (chatId && (event.type === "chat.changed" || event.type === "chat.deleted")) this.audiences.delete(chatId);
    let recipients: Set<string> | "all";
    if (envelope.only) {
      recipients = new Set(envelope.only);
    } else if (chatId) {
      const audience = await this.audience(chatId);
      if (envelope.also === "all" || audience?.all) {
        recipients = "all";
      } else {
        recipients = new Set([...(audience?.userIds ?? []), ...(envelope.also ?? [])]);
      }
    } else {
      recipients = "all";
    }
    const body = frameBody(event);
    const deliver = (userId: string, set: Set<Connection>) => {
      if (userId === envelope.except) return;
      for (const connection of set) this.write(connection, body, envelope.id);
    };
    if (recipients === "all") {
      for (const [userId, set] of this.byUser) deliver(userId, set);
    } else {
      for (const userId of recipients) {
        const set = this.byUser.get(userId);
        if (set) deliver(userId, set);
      }
    }
  }

  private write(connection: Connection, body: string, id: number | undefined): void {
    if (!connection.live) {
      connection.pending.push({ body, id });
      return;
    }
    if (id !== undefined && id <= connection.cursor) return;
    let frame = body;
    if (id !== undefined && id > connection.maxSentId) {
      connection.maxSentId = id;
      frame = `id: ${id}\n${body}`;
    }
    const { res } = connection;
    if (res.destroyed) return;
    res.write(frame);
    // Unbounded buffering would let one stalled phone eat the server's memory; cut it off and
    // let it resume from its Last-Event-ID.
    if (res.writableLength > this.maxBufferedBytes) res.destroy();
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const set of this.byUser.values()) for (const connection of set) connection.res.end();
    this.byUser.clear();
    this.connections = 0;
  }
}
