import { z } from "zod";
import { ZId } from "./common";

/** At most the chat picked and the windows docked beside it (lib/chat/windows.ts MAX_KEPT), with room to spare. */
export const MAX_VIEWING_CHATS = 8;

/**
 * What a stream connection's page shows on a visible page: the chats in `chatIds` (none: another
 * screen, or hidden). `chatId` is how pages loaded before windows said it (one chat or null).
 */
export const ZViewingInput = z.union([
  z.object({ connectionId: z.uuid(), chatIds: z.array(ZId).max(MAX_VIEWING_CHATS) }),
  z.object({ connectionId: z.uuid(), chatId: ZId.nullable() }),
]);
export type TViewingInput = z.infer<typeof ZViewingInput>;
