import { z } from "zod";
import { ZId } from "./common";

/** What a stream connection's page shows: a chat on a visible page, or nothing (null). */
export const ZViewingInput = z.object({ connectionId: z.uuid(), chatId: ZId.nullable() });
export type TViewingInput = z.infer<typeof ZViewingInput>;
