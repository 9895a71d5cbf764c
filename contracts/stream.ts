/**
 * Events on the live stream (`GET /api/stream`), sent as SSE frames by server/realtime/events.ts.
 */
import type { MessageDto } from "./messages";
import type { UserStatus } from "./people";

/**
 * The live stream's event names the browser listens for (EventSource needs each by name), one
 * list for both sides: the check at the end of this file fails to compile if there is an event that
 * is not here. `heartbeat` is left out: only the stream's watchdog listens to it.
 */
export const STREAM_EVENT_TYPES = [
  "hello",
  "ready",
  "resync",
  "message.created",
  "message.updated",
  "read",
  "chat.changed",
  "chat.deleted",
  "typing",
  "presence",
  "status",
] as const;

export type ListenedEventType = (typeof STREAM_EVENT_TYPES)[number];

/** Events written to the event log (they carry an id and are replayed after a reconnect). */
export type ChatEvent =
  | { type: "message.created"; chatId: string; message: MessageDto }
  | { type: "message.updated"; chatId: string; message: MessageDto }
  | { type: "read"; chatId: string; userId: string; seq: number }
  | { type: "chat.changed"; chatId: string; reason: "created" | "renamed" | "access" | "members" | "settings" | "entity" }
  | { type: "chat.deleted"; chatId: string };

/** Ephemeral events: delivered live, never stored, never replayed. */
export type LiveEvent =
  /** The first event of every connection: its id, for `stream.viewing` reports. */
  | { type: "hello"; connectionId: string }
  | { type: "ready"; userId: string; lastEventId: number; serverTime: string }
  | { type: "heartbeat"; serverTime: string }
  | { type: "resync"; reason: string }
  | { type: "typing"; chatId: string; userId: string; name: string; expiresInMs: number }
  /** Batched: a thousand people arriving for a shift are a few events, not a million frames. */
  | { type: "presence"; changes: { userId: string; online: boolean }[] }
  | { type: "status"; userId: string; status: UserStatus; statusText: string };

export type StreamEvent = ChatEvent | LiveEvent;
export type StreamEventType = StreamEvent["type"];

/** An event the server sends that the browser would not listen for breaks the build here. */
type Unlistened = Exclude<StreamEventType, ListenedEventType | "heartbeat">;
export const EVERY_EVENT_IS_LISTENED_FOR: [Unlistened] extends [never] ? true : { unlistened: Unlistened } = true;

