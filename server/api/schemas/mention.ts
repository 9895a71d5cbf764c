import { z } from "zod";
import { ZId } from "./common";

/** What follows "@" at the caret: a name, a record key, or `type:` then text. */
export const ZSuggestMentionsInput = z.object({ chatId: ZId, q: z.string().max(100) });
export type TSuggestMentionsInput = z.infer<typeof ZSuggestMentionsInput>;

export const ZMentionedRecord = z.object({ id: z.string(), type: z.string(), key: z.string(), title: z.string(), status: z.string().nullable() });

export const ZMentionSuggestions = z.object({
  people: z.array(z.object({ id: z.string(), name: z.string(), username: z.string().nullable(), isMember: z.boolean() })),
  records: z.array(ZMentionedRecord),
});

export const ZMentionedRecordsInput = z.object({ ids: z.array(ZId).max(200) });
