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
};

export interface Publisher {
  publish(envelopes: Envelope[]): void;
}

export const EVENTS_CHANNEL = "events";
