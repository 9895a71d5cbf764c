/**
 * Limits the browser and the server must agree on (the composer's counter, the schemas that
 * enforce them). Pure data, shared by both.
 */

/** A message's text, in UTF-16 code units (what `String.length` counts, on both sides). */
export const MESSAGE_MAX_LENGTH = 10_000;
