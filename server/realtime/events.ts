/**
 * Events on the live stream (`GET /api/stream`). The client imports these as types only.
 * Each is sent as an SSE frame: optional `id: <event log id>`, `event: <type>`, `data: <json>`.
 */
import type { MessageData, UserStatus } from "~/db/schema";
import type { ListenedEventType } from "~/contracts/stream";

export type ChatKind = "company" | "room" | "direct" | "entity" | "system" | "sms";

/** A file carried by a message; served by `/api/files/{id}` (and `/api/files/{id}/thumb` for images). */
export type AttachmentDto = {
  id: string;
  name: string;
  contentType: string;
  size: number;
  kind: "image" | "file";
  width: number | null;
  height: number | null;
};

/** Who and what a message mentions, as stored structure (the text keeps the "@…" for reading). */
export type MentionsDto = {
  users: { id: string; name: string }[];
  entities: { id: string; type: string; key: string; title: string; status: string | null }[];
};

export type ReactionDto = { emoji: string; count: number; users: { id: string; name: string }[] };

export type MessageDto = {
  id: string;
  chatId: string;
  seq: number;
  kind: "text" | "system" | "approval" | "sms_in" | "sms_out";
  sender: { kind: "user" | "system" | "contact"; id: string | null; name: string };
  clientId: string | null;
  /** null once deleted: the body is gone from the API, a tombstone remains. */
  body: string | null;
  replyTo: { id: string; seq: number; senderName: string; body: string | null } | null;
  /** Structured content (approval card, "whoever takes it", status change); null for plain text. */
  data: MessageData | null;
  editedAt: Date | null;
  deletedAt: Date | null;
  createdAt: Date;
  /** Empty once deleted, like the body. */
  attachments: AttachmentDto[];
  mentions: MentionsDto;
  /** In the order each emoji was first used. */
  reactions: ReactionDto[];
};

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

/** The body of a frame, without its id line: serialised once, shared by every connection. */
export function frameBody(event: StreamEvent): string {
  // JSON.stringify turns Dates into ISO strings; the client revives the known date fields.
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export function toFrame(event: StreamEvent, id?: number): string {
  return (id === undefined ? "" : `id: ${id}\n`) + frameBody(event);
}
