import type { StreamEvent } from "./events";

/**
 * Tells every instance's hub to do something rather than deliver something: never written to a
 * client. `user.deactivated` ends that user's streams wherever they are connected.
 */
export type ControlEvent = { type: "user.deactivated"; userId: string };

/**
 * What travels on the bus between instances. Who receives it:
 * - `only`: exactly these users (e.g. a read position in a chat everyone can read goes to the
 *   reader's own devices only);
 * - else with `chatId`: everyone who can read the chat now, plus `also` (users who just lost
 *   access and must hear about it), minus `except`;
 * - else: everyone (presence).
 */
export type Envelope = {
  id?: number;
  chatId?: string;
  event: StreamEvent | ControlEvent;
  only?: string[];
  also?: string[] | "all";
  except?: string;
  /**
   * Who may read the chat at the event's commit, worked out by the writer in the same
   * statement; when present the hub routes with it instead of asking the database.
   */
  audience?: "all" | string[];
};

export interface Publisher {
  publish(envelopes: Envelope[]): void;
}

export const EVENTS_CHANNEL = "events";

const isStringList = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === "string");

/**
 * An envelope from the bus, or null for anything malformed (another version's instance, a stray
 * PUBLISH): one bad message must be logged and skipped, never crash or wedge the hub.
 */
export function parseEnvelope(payload: string): Envelope | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  const envelope = value as Record<string, unknown>;
  const event = envelope.event as Record<string, unknown> | null | undefined;
  if (event === null || typeof event !== "object" || Array.isArray(event) || typeof event.type !== "string") return null;
  if (envelope.id !== undefined && !Number.isSafeInteger(envelope.id)) return null;
  if (envelope.chatId !== undefined && typeof envelope.chatId !== "string") return null;
  if (envelope.only !== undefined && !isStringList(envelope.only)) return null;
  if (envelope.also !== undefined && envelope.also !== "all" && !isStringList(envelope.also)) return null;
  if (envelope.except !== undefined && typeof envelope.except !== "string") return null;
  return value as Envelope;
}
