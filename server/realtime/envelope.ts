import type { StreamEvent } from "~/contracts/stream";

/**
 * Tells every instance's hub to do something rather than deliver something: never written to a
 * client. `user.deactivated` ends that user's streams wherever they are connected.
 */
export type ControlEvent = { type: "user.deactivated"; userId: string };

/**
 * What a writer publishes. Who receives it:
 * - `only`: exactly these users (e.g. a read position in a chat everyone can read goes to the
 *   reader's own devices only);
 * - else with `chatId`: everyone who can read the chat now (`audience` when the writer worked it
 *   out in the same statement, else the hub looks it up), plus `also` (users who just lost
 *   access and must hear about it), minus `except`;
 * - else: everyone (presence).
 */
export type Envelope = {
  id?: number;
  chatId?: string;
  event: StreamEvent | ControlEvent;
  /** The user ids who may read the chat at the event's commit ("all": everyone). */
  audience?: "all" | string[];
  only?: string[];
  also?: string[] | "all";
  except?: string;
  /** The event already serialised (as stored in the log): used as is, not stringified again. */
  json?: string;
  /** When it was published (ms since the epoch), for the delivery-lag metric; set on the way out. */
  at?: number;
};

/**
 * An envelope as received from the bus: the routing header parsed, the event left as the JSON
 * text it travelled as, so every connection gets the same bytes without a parse and re-stringify.
 */
export type Delivery = Omit<Envelope, "event" | "json"> & { type: string; json: string };

export interface Publisher {
  publish(envelopes: Envelope[]): void;
}

export const EVENTS_CHANNEL = "events";

/**
 * The bus payload: a one-line JSON header with the routing, a newline, then the event's JSON
 * (JSON.stringify never writes a raw newline, so the first one splits them).
 */
export function encodeEnvelope(envelope: Envelope): string {
  const { event, json, ...route } = envelope;
  return `${JSON.stringify({ ...route, type: event.type, at: route.at ?? Date.now() })}\n${json ?? JSON.stringify(event)}`;
}

const isStringList = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === "string");

/**
 * A delivery from the bus, or null for anything malformed (another version's instance, a stray
 * PUBLISH): one bad message must be logged and skipped, never crash or wedge the hub. The event
 * itself is not parsed; it must be one JSON object on one line, since it goes into an SSE
 * `data:` line as is and a line break there would let it forge frames.
 */
export function parseEnvelope(payload: string): Delivery | null {
  const newline = payload.indexOf("\n");
  if (newline < 0) return null;
  const json = payload.slice(newline + 1);
  if (!json.startsWith("{") || !json.endsWith("}") || /[\r\n]/.test(json)) return null;
  let value: unknown;
  try {
    value = JSON.parse(payload.slice(0, newline));
  } catch {
    return null;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  const header = value as Record<string, unknown>;
  // The type becomes the frame's `event:` line: nothing but a plain name.
  if (typeof header.type !== "string" || !/^[a-z][a-z.]*$/.test(header.type)) return null;
  if (header.id !== undefined && !Number.isSafeInteger(header.id)) return null;
  if (header.chatId !== undefined && typeof header.chatId !== "string") return null;
  if (header.audience !== undefined && header.audience !== "all" && !isStringList(header.audience)) return null;
  if (header.only !== undefined && !isStringList(header.only)) return null;
  if (header.also !== undefined && header.also !== "all" && !isStringList(header.also)) return null;
  if (header.except !== undefined && typeof header.except !== "string") return null;
  // Only a metric reads it: a bad one is dropped, not the delivery.
  if (header.at !== undefined && !Number.isFinite(header.at)) delete header.at;
  return { ...(header as Omit<Delivery, "json">), json };
}

/** Whose streams a `user.deactivated` envelope ends; null when it is malformed. */
export function deactivatedUserId(delivery: Delivery): string | null {
  // The event is not parsed on the way in (parseEnvelope): this rare one is, here.
  try {
    const userId = (JSON.parse(delivery.json) as { userId?: unknown }).userId;
    return typeof userId === "string" ? userId : null;
  } catch {
    return null;
  }
}
