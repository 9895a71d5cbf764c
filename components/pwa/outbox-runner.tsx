"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { putMessages } from "~/lib/chat/timeline-cache";
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
        onSent: (message) => putMessages(queryClient, message.chatId, [message]),
      }),
    [userId, queryClient],
  );
  return null;
}
