"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { type Timeline, mergeMessages, timelineKey } from "~/lib/chat/timeline";
import { startOutbox } from "~/lib/outbox/runner";

/**
 * Sends the outbox for the signed-in user while the app is open (lib/outbox/runner.ts): only
 * their own items; someone else's wait for their writer.
 */
export function OutboxRunner({ userId }: { userId: string }) {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      startOutbox({
        userId,
        // Into the open timeline before the outbox item goes, so the message never blinks out.
        onSent: (message) =>
          queryClient.setQueryData<Timeline>(timelineKey(message.chatId), (current) =>
            current ? { ...current, messages: mergeMessages(current.messages, [message]) } : current,
          ),
      }),
    [userId, queryClient],
  );
  return null;
}
