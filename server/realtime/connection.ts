import type { ServerResponse } from "node:http";
import type { Db } from "~/db/client";
import type { Audience } from "~/server/services/access";
import type { Delivery } from "./envelope";

/** One event's frame, built once per instance; every connection is written the same bytes. */
export class Frame {
  private plain: Buffer | undefined;
  private labelled: Buffer | undefined;
  constructor(
    private readonly body: string,
    readonly id: number | undefined,
  ) {}

  bytes(withId: boolean): Buffer {
    if (withId) return (this.labelled ??= Buffer.from(`id: ${this.id}\n${this.body}`));
    return (this.plain ??= Buffer.from(this.body));
  }
}

export type Connection = {
  /** Told to the client in `hello`, so it can say what this connection's page shows. */
  id: string;
  userId: string;
  res: ServerResponse;
  /** False while backfilling: live frames wait in `pending`. */
  live: boolean;
  pending: Frame[];
  /** Events up to here were covered by the backfill (or predate the connection's state). */
  cursor: number;
  /** Highest id written: an `id:` line only ever moves the browser's Last-Event-ID forward. */
  maxSentId: number;
  /** Highest event written without its `id:` line (above the hub's watermark then); 0 if none. */
  unlabelled: number;
  /** Takes the connection out of the hub (idempotent). */
  remove: () => void;
};

/** Who an envelope's chat reaches: everyone, these users, or (the chat is gone) nobody. */
export type Readers = "all" | Iterable<string>;

export function toReaders(audience: Audience | null): Readers {
  if (!audience) return [];
  return audience.all ? "all" : audience.userIds;
}

/** Everyone a delivery goes to: its own list, or the chat's readers and those it adds. */
export function recipientsOf(delivery: Delivery, readers: Readers): Readers {
  if (delivery.only) return new Set(delivery.only);
  if (delivery.also === "all" || readers === "all") return "all";
  if (delivery.also) return new Set([...readers, ...delivery.also]);
  return readers;
}

export type HubOptions = {
  db: Db;
  heartbeatMs?: number;
  /** A client whose unsent data passes this is cut off; it reconnects and backfills. */
  maxBufferedBytes?: number;
  /** Past this many missed events a reconnecting client is told to reload instead. */
  backfillLimit?: number;
  /** How long an event id may stay missing before the hub reads it from the log. */
  holeWaitMs?: number;
  /**
   * How often the log's newest id is read while streams are open, so an event that was committed
   * but never reached this instance (its publisher died first, or the bus dropped it) is read from
   * the log even when no later event shows the gap.
   */
  headPollMs?: number;
  onUserOnline?: (userId: string) => void;
  onUserOffline?: (userId: string) => void;
  /** Awaited before the connection's `hello`, so the client's first report finds it registered. */
  onConnectionOpen?: (connectionId: string, userId: string) => Promise<void>;
  onConnectionClose?: (connectionId: string, userId: string) => void;
};
