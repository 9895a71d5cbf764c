import { z } from "zod";
import { SCOPES } from "~/server/services/tokens";
import { ZId } from "./common";

export const ZScope = z.enum(SCOPES);

export const ZTokenListItem = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(ZScope),
  chatId: z.string().nullable(),
  chatTitle: z.string().nullable(),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});

export const ZCreateTokenInput = z.object({
  name: z.string().trim().min(1, { error: "Give the token a name" }).max(80, { error: "At most 80 characters" }),
  scopes: z.array(ZScope, { error: "Choose what the token may do" }).min(1, { error: "Choose at least one scope" }),
  chatId: ZId.nullish(),
});
export type TCreateTokenInput = z.infer<typeof ZCreateTokenInput>;

/** The only time the token itself leaves the server. */
export const ZCreatedToken = z.object({
  token: z.string(),
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(ZScope),
  chatId: z.string().nullable(),
  createdAt: z.date(),
});

export const ZTokenRef = z.object({ id: ZId });
