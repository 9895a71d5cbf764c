import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { HEARTBEAT_MS } from "~/lib/realtime/stream-watchdog";
import { type Delivery, deactivatedUserId } from "./envelope";
import type { StreamEvent } from "~/contracts/stream";
import { frameBody, toFrame } from "./events";
import { AudienceCache } from "./audience-cache";
import { type Connection, Frame, type HubOptions, type Readers, recipientsOf, toReaders } from "./connection";
import { logBounds, logHead, readBackfill, readDeliveries } from "./event-log";

/** Events held back behind one hole, at most: past this the hole is given up on. */
const MAX_PARKED = 10_000;

/** The hub is shutting down: the stream was dropped so the client reconnects elsewhere. */
export class HubClosedError extends Error {
  override name = "HubClosedError";
  constructor() {
    super("this instance is shutting down");
  }
}

/**
 * The live connections of this instance and the routing of events to them. Each envelope
 * is framed once and the same bytes are written to every connection allowed to see it.
 *
 * Event ids follow commit order (server/services/events.ts), but envelopes from several
 * instances cross the bus in any order. So the hub keeps a watermark: the highest id below which
 * every event has been routed here (or is known never to exist). An event is written at once,
 * but with its `id:` line only when it is at or below the watermark; otherwise a later `id:`
 * moves the browser's Last-Event-ID once the watermark passes it. A browser that reconnects thus
 * never resumes past an event still in flight. An id missing for `holeWaitMs` is read from the
 * log: there, under the commit-order lock, it is either committed (lost on the bus: routed now)
 * or absent (a rolled-back insert: skipped).
 */
export class Hub {
  private readonly byUser = new Map<string, Set<Connection>>();
  /** Who reads each chat, as last looked up; cleared by the chat's changes, and aged out. */
  private readonly audiences: AudienceCache;
  /**
   * Envelopes of a chat whose audience is being looked up wait here, in arrival order, so every
   * connection gets a chat's events in order; other chats' events do not wait for them.
   */
  private readonly chains = new Map<string, Promise<void>>();
  /** Null until the first connection: until then no frame carries an id. */
  private watermark: number | null = null;
  private initialising: Promise<void> | null = null;
  /** Ids above the watermark that arrived (and wait to be routed, or were). */
  private readonly received = new Set<number>();
  /** Ids above the watermark routed (or known not to exist). */
  private readonly routed = new Set<number>();
  /** Ids the log did not have, taken for rolled-back inserts (the latest few thousand). */
  private readonly skipped = new Set<number>();
  /** The highest id known to be committed: ids below it that never arrive are holes. */
  private top = 0;
  /**
   * Once tracking: every id up to here has arrived (or is known not to exist) and gone on to be
   * routed. An event above a hole waits in `parked` until the hole is filled (over the bus or
   * from the log after `holeWaitMs`), so every stream gets a chat's events in id order.
   */
  private frontier = 0;
  private readonly parked = new Map<number, Delivery>();
  private filling: NodeJS.Timeout | null = null;
  /** Connections written an event above their Last-Event-ID without its `id:` line. */
  private readonly behind = new Set<Connection>();
  private labelling = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly headPoll: NodeJS.Timeout;
  private readonly maxBufferedBytes: number;
  private readonly backfillLimit: number;
  private readonly holeWaitMs: number;
  private connections = 0;
  private closed = false;

  constructor(private readonly options: HubOptions) {
    this.maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
    this.backfillLimit = options.backfillLimit ?? 5_000;
    this.holeWaitMs = options.holeWaitMs ?? 250;
    this.audiences = new AudienceCache(options.db);
    // Proxies and mobile networks drop idle streams; a heartbeat keeps them open and lets the
    // client notice a dead one (lib/realtime/stream-watchdog.ts).
    this.heartbeat = setInterval(() => this.broadcastLocal({ type: "heartbeat", serverTime: new Date().toISOString() }), options.heartbeatMs ?? HEARTBEAT_MS);
    this.heartbeat.unref();
    this.headPoll = setInterval(() => void this.catchUp(), options.headPollMs ?? 5_000);
    this.headPoll.unref();
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

  /** Events waiting for an earlier one (a hole in the ids) before they are routed. */
  get heldBack(): number {
    return this.parked.size;
  }

  /** An envelope from the bus (this instance's own publishes included), or one read from the log. */
  receive(delivery: Delivery): void {
    const { id } = delivery;
    if (id !== undefined) {
      if (this.watermark !== null && id <= this.watermark) {
        // Below the watermark: a copy of one already routed, from the log or the bus; or one
        // judged rolled back, which only an id drawn before the commit-order lock can be.
        if (!this.skipped.delete(id)) return;
        console.error(`[hub] event ${id} committed after a later one (its id was drawn before the commit-order lock): routed late`);
      } else if (this.watermark !== null) {
        if (this.received.has(id) || this.parked.has(id)) return;
        if (id > this.top) this.top = id;
        if (id > this.admittedTo + 1) {
          // Instances publish in any order: an earlier event is still on its way (or lost).
          this.parked.set(id, delivery);
          if (this.parked.size > MAX_PARKED) this.giveUpOnHole();
          this.scheduleFill();
          return;
        }
        this.received.add(id);
        this.frontier = id;
        this.dispatch(delivery);
        this.releaseParked();
        return;
      } else {
        if (this.received.has(id)) return;
        // Tracked from the first connection on: before it, nothing is written with an id.
        if (this.tracking) {
          this.received.add(id);
          if (id > this.top) this.top = id;
        }
      }
    }
    this.dispatch(delivery);
  }

  /**
   * Every id up to here has arrived or is known not to exist. The watermark can pass the
   * frontier when a hole is judged a rollback (fill, giveUpOnHole): its id is then routed and
   * forgotten at once.
   */
  private get admittedTo(): number {
    return Math.max(this.frontier, this.watermark ?? 0);
  }

  /** Routes what the holes below it held back, now that they are filled, in id order. */
  private releaseParked(): void {
    this.frontier = this.admittedTo;
    for (;;) {
      const next = this.frontier + 1;
      const waiting = this.parked.get(next);
      if (waiting) {
        this.parked.delete(next);
        this.received.add(next);
        this.frontier = next;
        this.dispatch(waiting);
      } else if (this.received.has(next)) {
        this.frontier = next;
      } else {
        return;
      }
    }
  }

  /**
   * The log cannot be read (the database is down) while events keep coming: rather than hold
   * them without bound, the lowest hole is given up on (routed late if it turns up; clients
   * fill it from their seq checks, DESIGN.md invariant 3).
   */
  private giveUpOnHole(): void {
    const hole = this.admittedTo + 1;
    console.error(`[hub] event ${hole} did not arrive and could not be read from the log; ${this.parked.size} later ones go on without it`);
    this.skipped.add(hole);
    this.received.add(hole);
    this.markRouted(hole);
    this.releaseParked();
  }

  /** Routes an event to this instance's connections: a chat's events in the order they come here. */
  private dispatch(delivery: Delivery): void {
    const { id, chatId } = delivery;
    if (chatId === undefined) return this.routeNow(delivery, "all");
    // A change of a chat may change who reads it: forget the cached audience first.
    if (delivery.type === "chat.changed" || delivery.type === "chat.deleted") this.audiences.forget(chatId);
    const before = this.chains.get(chatId);
    if (!before) {
      const readers = this.readersNow(delivery);
      if (readers !== undefined) return this.routeNow(delivery, readers);
    }
    const chain = (before ?? Promise.resolve())
      .then(async () => this.route(delivery, await this.readers(delivery)))
      .catch((error: unknown) => {
        console.error("[hub] routing failed:", error);
        // Not delivered here; the id must not hold every later `id:` back (the client
        // catches up from its seq checks, DESIGN.md invariant 3).
        if (id !== undefined) this.markRouted(id);
      })
      .finally(() => {
        if (this.chains.get(chatId) === chain) this.chains.delete(chatId);
      });
    this.chains.set(chatId, chain);
  }

  /**
   * Reads the log's newest id: everything up to it is committed, so whatever of it has not
   * arrived is a hole, read from the log after `holeWaitMs`. Called after the bus was broken
   * (events published meanwhile are lost to this instance) and every `headPollMs`.
   */
  async catchUp(): Promise<void> {
    if (this.watermark === null || this.closed) return;
    try {
      const head = await logHead(this.options.db);
      if (head > this.top) {
        this.top = head;
        this.scheduleFill();
      }
    } catch (error) {
      if (!this.closed) console.error("[hub] reading the log's head failed:", error);
    }
  }

  /** Delivers an event to this instance's connections only (heartbeats, the presence sweep). */
  broadcastLocal(event: StreamEvent, except?: string): void {
    const frame = new Frame(frameBody(event), undefined);
    for (const [userId, set] of this.byUser) {
      if (userId === except) continue;
      for (const connection of set) this.write(connection, frame);
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
    // Shutting down (SIGTERM): a stream accepted now would go silent when the process exits.
    // Dropping the socket lets the client (or a proxy) retry at once on another instance.
    if (this.closed) {
      res.destroy();
      throw new HubClosedError();
    }
    const connection: Connection = { id: randomUUID(), userId, res, live: false, pending: [], cursor: 0, maxSentId: 0, unlabelled: 0, remove: () => {} };
    let set = this.byUser.get(userId);
    if (!set) {
      set = new Set();
      this.byUser.set(userId, set);
      this.options.onUserOnline?.(userId);
    }
    set.add(connection);
    this.connections++;
    let removed = false;
    const remove = (connection.remove = () => {
      if (removed) return;
      removed = true;
      this.behind.delete(connection);
      const current = this.byUser.get(userId);
      // After close() (which let every connection go and zeroed the count) it is in no set.
      if (current?.delete(connection)) this.connections--;
      if (current?.size === 0) {
        this.byUser.delete(userId);
        this.options.onUserOffline?.(userId);
      }
      this.options.onConnectionClose?.(connection.id, userId);
    });
    try {
      await this.open(connection, lastEventId);
    } catch (error) {
      // Never live, it would hold `pending` without bound: drop it; the client reconnects.
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
    // close() ran meanwhile and ended the response: nothing more may be written to it.
    if (this.closed) throw new HubClosedError();
    res.write(toFrame({ type: "hello", connectionId: connection.id }));
    // Before the head is read: every connection's cursor is then at or above the watermark's start.
    await this.initWatermark();
    if (this.closed) throw new HubClosedError();

    // After registering: a deactivation committed before is seen here, a later one arrives live.
    const bounds = await logBounds(this.options.db, userId);
    if (!bounds?.isActive) {
      connection.remove();
      res.end();
      return;
    }
    // close() ran while this was reading: it ended the response; end the connection here too.
    if (this.closed) throw new HubClosedError();
    const headId = bounds?.head ?? 0;
    // Everything up to the head is committed: whatever of it has not arrived is a hole.
    if (headId > this.top) {
      this.top = headId;
      this.scheduleFill();
    }
    if (lastEventId !== null && lastEventId < headId) {
      // Events after the cursor may have been pruned (pruneEvents): then the log cannot fill the gap.
      const pruned = (bounds?.oldest ?? 0) > lastEventId + 1;
      const missed = pruned ? [] : await readBackfill(this.options.db, userId, lastEventId, headId, this.backfillLimit + 1);
      if (this.closed) throw new HubClosedError();
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
    for (const frame of connection.pending.splice(0)) this.write(connection, frame);
  }

  /** The watermark starts at the log's head when the first connection opens. */
  private initWatermark(): Promise<void> {
    if (this.watermark !== null) return Promise.resolve();
    this.initialising ??= (async () => {
      const head = await logHead(this.options.db);
      this.watermark = head;
      // Arrived meanwhile: at or below the head they concern no connection (all open later).
      for (const id of this.received) if (id <= head) this.received.delete(id);
      for (const id of this.routed) if (id <= head) this.routed.delete(id);
      if (head > this.top) this.top = head;
      // Those above the head went out as they came; from here on they go in order.
      this.frontier = head;
      this.releaseParked();
      this.advance();
      this.scheduleFill();
    })().finally(() => {
      this.initialising = null;
    });
    return this.initialising;
  }

  /** The readers at hand without waiting (given by the writer, or cached); undefined if not. */
  private readersNow(delivery: Delivery): Readers | undefined {
    if (delivery.only) return [];
    if (delivery.audience !== undefined) return delivery.audience;
    const cached = this.audiences.settled(delivery.chatId!);
    return cached === undefined ? undefined : toReaders(cached);
  }

  private async readers(delivery: Delivery): Promise<Readers> {
    return this.readersNow(delivery) ?? toReaders(await this.audiences.get(delivery.chatId!));
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

  /** Called from the bus's message handler: nothing may escape into it. */
  private routeNow(delivery: Delivery, readers: Readers): void {
    try {
      this.route(delivery, readers);
    } catch (error) {
      console.error("[hub] routing failed:", error);
    }
  }

  private route(delivery: Delivery, readers: Readers): void {
    // First, so that the event's own frame may carry its id when it closes the gap.
    if (delivery.id !== undefined) this.markRouted(delivery.id);
    if (delivery.type === "user.deactivated") {
      const userId = deactivatedUserId(delivery);
      if (userId) this.disconnectUser(userId);
      else console.error(`[hub] skipped a malformed user.deactivated: ${delivery.json.slice(0, 200)}`);
      return;
    }
    const recipients = recipientsOf(delivery, readers);
    const frame = new Frame(`event: ${delivery.type}\ndata: ${delivery.json}\n\n`, delivery.id);
    const deliver = (userId: string, set: Set<Connection>) => {
      if (userId === delivery.except) return;
      for (const connection of set) this.write(connection, frame);
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

  private get tracking(): boolean {
    return this.watermark !== null || this.initialising !== null;
  }

  private markRouted(id: number): void {
    if (!this.tracking || (this.watermark !== null && id <= this.watermark)) return;
    this.routed.add(id);
    this.advance();
  }

  private advance(): void {
    if (this.watermark === null) return;
    const from = this.watermark;
    while (this.routed.delete(this.watermark + 1)) {
      this.watermark++;
      this.received.delete(this.watermark);
    }
    if (this.watermark > from && this.behind.size > 0 && !this.labelling) {
      // Once per turn of the event loop: a burst moves the watermark many times.
      this.labelling = true;
      setImmediate(() => this.labelBehind());
    }
  }

  /** Moves the Last-Event-ID of connections the watermark has caught up with (an `id:` alone). */
  private labelBehind(): void {
    this.labelling = false;
    const watermark = this.watermark!;
    for (const connection of this.behind) {
      if (connection.unlabelled > watermark) continue;
      this.behind.delete(connection);
      connection.unlabelled = 0;
      if (watermark <= connection.maxSentId || connection.res.destroyed) continue;
      connection.maxSentId = watermark;
      // No data, so the browser dispatches nothing, but its last event ID buffer takes the id
      // (WHATWG HTML, "dispatch the event": the id is set before an empty data buffer returns).
      connection.res.write(`id: ${watermark}\n\n`);
    }
  }

  private scheduleFill(): void {
    if (this.filling || this.closed || this.watermark === null) return;
    // Every id between the frontier and the top is parked: there is no hole.
    if (this.top - this.admittedTo <= this.parked.size) return;
    this.filling = setTimeout(() => void this.fill(), this.holeWaitMs);
    this.filling.unref();
  }

  /** Reads the ids still missing below the highest known one from the log (at most 1,000 a round). */
  private async fill(): Promise<void> {
    const holes: number[] = [];
    for (let id = this.admittedTo + 1; id <= this.top && holes.length < 1_000; id++) if (!this.received.has(id) && !this.parked.has(id)) holes.push(id);
    try {
      const found = await readDeliveries(this.options.db, holes);
      for (const id of holes) {
        // It may have come over the bus while the log was read.
        if (this.received.has(id) || this.parked.has(id) || id <= this.admittedTo) continue;
        const delivery = found.get(id);
        if (!delivery) {
          // A rolled-back insert: the id will never exist.
          this.skipped.add(id);
          if (this.skipped.size > 5_000) this.skipped.delete(this.skipped.values().next().value!);
          this.received.add(id);
          this.markRouted(id);
          this.releaseParked();
          continue;
        }
        this.receive(delivery);
      }
    } catch (error) {
      if (!this.closed) console.error("[hub] reading missing events failed:", error);
    } finally {
      this.filling = null;
      this.scheduleFill();
    }
  }

  private write(connection: Connection, frame: Frame): void {
    if (!connection.live) {
      connection.pending.push(frame);
      return;
    }
    const { id } = frame;
    if (id !== undefined && id <= connection.cursor) return;
    let withId = false;
    if (id !== undefined && id > connection.maxSentId) {
      if (this.watermark !== null && id <= this.watermark) {
        withId = true;
        connection.maxSentId = id;
        if (connection.unlabelled <= id) {
          connection.unlabelled = 0;
          this.behind.delete(connection);
        }
      } else {
        connection.unlabelled = Math.max(connection.unlabelled, id);
        this.behind.add(connection);
      }
    }
    const { res } = connection;
    if (res.destroyed) return;
    res.write(frame.bytes(withId));
    // Unbounded buffering would let one stalled phone eat the server's memory; cut it off and
    // let it resume from its Last-Event-ID.
    if (res.writableLength > this.maxBufferedBytes) res.destroy();
  }

  /** True once close() has run: the instance is shutting down and takes no new streams. */
  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    clearInterval(this.headPoll);
    if (this.filling) clearTimeout(this.filling);
    for (const set of this.byUser.values()) for (const connection of set) connection.res.end();
    this.byUser.clear();
    this.behind.clear();
    this.parked.clear();
    this.connections = 0;
  }
}

