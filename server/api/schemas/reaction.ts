import { z } from "zod";
import { MAX_EMOJI_LENGTH } from "~/server/services/message/reactions";
import { ZId } from "./common";

/** Tap a reaction on (add) or off (remove); the service checks it is one emoji. */
export const ZReactInput = z.object({
  messageId: ZId,
  emoji: z.string().min(1, { error: "Choose an emoji" }).max(MAX_EMOJI_LENGTH, { error: "One emoji" }),
  on: z.boolean(),
});
export type TReactInput = z.infer<typeof ZReactInput>;
