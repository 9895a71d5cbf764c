/**
 * The live stream's event names the browser listens for (EventSource needs each by name), one
 * list for both sides: server/realtime/events.ts fails to compile if it sends an event that is
 * not here. `heartbeat` is left out: only the stream's watchdog listens to it.
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
