/**
 * Events on the live stream (`GET /api/stream`). The client imports these as types only.
 * Each is sent as an SSE frame: `event: <type>` + `data: <json>`.
 */
export type StreamEvent =
  | { type: "ready"; userId: string; serverTime: string }
  | { type: "heartbeat"; serverTime: string };

export type StreamEventType = StreamEvent["type"];

/** Serialised once per event and written as-is to every connection that may see it. */
export function toFrame(event: StreamEvent, id?: string): string {
  const idLine = id === undefined ? "" : `id: ${id}\n`;
  return `${idLine}event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
