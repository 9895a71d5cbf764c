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
