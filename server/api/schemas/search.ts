import { z } from "zod";
import { MAX_QUERY_LENGTH, MAX_SEARCH_PAGE, type SearchResult } from "~/server/services/search";
import { ZDateInput, ZId, ZUserId } from "./common";

export const ZSearchMessagesInput = z
  .object({
    q: z
      .string()
      .trim()
      .min(1, { error: "Type a word to search for" })
      .max(MAX_QUERY_LENGTH, { error: `At most ${MAX_QUERY_LENGTH} characters` }),
    chatId: ZId.optional(),
    senderId: ZUserId.optional(),
    from: ZDateInput.optional(),
    to: ZDateInput.optional(),
    hasFile: z.boolean().optional(),
    limit: z.number().int().min(1).max(MAX_SEARCH_PAGE).default(20),
    before: ZId.optional(),
  })
  .refine((input) => !input.from || !input.to || input.from < input.to, { error: "The start date must come before the end date", path: ["to"] });
export type TSearchMessagesInput = z.infer<typeof ZSearchMessagesInput>;

export const ZSearchResult = z.object({
  id: z.string(),
  chatId: z.string(),
  chat: z.object({
    kind: z.enum(["company", "room", "direct", "entity", "system", "sms"]),
    title: z.string().nullable(),
    entity: z.object({ type: z.string(), key: z.string() }).nullable(),
  }),
  seq: z.number(),
  senderName: z.string(),
  createdAt: z.date(),
  snippet: z.array(z.object({ text: z.string(), isMatch: z.boolean() })),
  hasFile: z.boolean(),
}) satisfies z.ZodType<SearchResult>;

export const ZSearchPage = z.object({ results: z.array(ZSearchResult), nextBefore: z.string().nullable() });
