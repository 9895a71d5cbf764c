/**
 * Frames of the live stream (`GET /api/stream`): optional `id: <event log id>`, `event: <type>`,
 * `data: <json>`. The events themselves are contracts/stream.ts.
 */
import type { StreamEvent } from "~/contracts/stream";

/** The body of a frame, without its id line: serialised once, shared by every connection. */
export function frameBody(event: StreamEvent): string {
  // JSON.stringify turns Dates into ISO strings; the client revives the known date fields.
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export function toFrame(event: StreamEvent, id?: number): string {
  return (id === undefined ? "" : `id: ${id}\n`) + frameBody(event);
}
