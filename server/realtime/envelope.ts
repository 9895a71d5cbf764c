import type { StreamEvent } from "./events";

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
  event: StreamEvent;
  only?: string[];
  also?: string[] | "all";
  except?: string;
};

export interface Publisher {
  publish(envelopes: Envelope[]): void;
}

export const EVENTS_CHANNEL = "events";
