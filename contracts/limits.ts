/**
 * Limits the browser and the server must agree on (the composer's counter, the schemas that
 * enforce them). Pure data, shared by both.
 */

/** A message's text, in UTF-16 code units (what `String.length` counts, on both sides). */
export const MESSAGE_MAX_LENGTH = 10_000;

/** A password (better-auth's limits for email-and-password accounts; server/auth.ts sets them). */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** A username: what the sign-in box accepts and accounts are created with. */
export const USERNAME_MAX_LENGTH = 30;

/** A person's status text (PRODUCT.md P2). */
export const STATUS_TEXT_MAX_LENGTH = 100;

/** A quick reply, and how many one manager may keep (PRODUCT.md W3). */
export const QUICK_REPLY_MAX_LENGTH = 200;
export const QUICK_REPLIES_MAX = 20;
