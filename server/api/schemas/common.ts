import { z } from "zod";

export const ZId = z.uuid({ error: "Not a valid id" });
export const ZUserId = z.string().min(1).max(64);
export const ZChatRef = z.object({ chatId: ZId });
export const ZMessageRef = z.object({ messageId: ZId });
export const ZEntityType = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[a-z][a-z0-9_-]*$/, { error: "Lower-case letters, digits, - and _" });
export const ZEntityKey = z.string().trim().min(1).max(100);
export const ZOk = z.object({ ok: z.literal(true) });
/**
 * A date a client sends. JavaScript dates reach ±275,760 years, PostgreSQL's timestamptz fails
 * outside 4713 BC–294276 AD: unbounded, a date filter could turn into a 500 (bench:fuzz found one).
 */
export const ZDateInput = z
  .date({ error: "Not a date" })
  .min(new Date("1970-01-01T00:00:00Z"), { error: "Pick a date after 1970" })
  .max(new Date("9999-12-31T23:59:59Z"), { error: "Pick a date before the year 10000" });
