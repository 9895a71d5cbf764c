"use client";

import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useEffect, useState, useSyncExternalStore } from "react";
import { claimDevice, isKeptForSomeoneElse, subscribeToOwner } from "~/lib/pwa/device-owner";

/**
 * Shows the app only while the device is the signed-in person's. Sign-in claims it already
 * (components/sign-in-form.tsx); this catches every other way in (a session from before this
 * check, another tab). While someone else's data is forgotten nothing is shown, so nothing read
 * from it can appear; then the app mounts again on an empty query cache.
 */
export function DeviceOwnerGate({ userId, children }: { userId: string; children: ReactNode }) {
  const queryClient = useQueryClient();
  const isOwned = useSyncExternalStore(
    subscribeToOwner,
    () => !isKeptForSomeoneElse(userId),
    // The server renders the signed-in person's own page: nothing kept on the device is in it.
    () => true,
  );
  const [failedFor, setFailedFor] = useState<string | null>(null);

  useEffect(() => {
    if (isOwned) return;
    // Emptied while nothing is mounted to fill it again; the app mounts once the device is claimed.
    queryClient.clear();
    void claimDevice(userId).catch((error: unknown) => {
      console.error("[device] could not forget the last user's data:", error);
      // Locking the person out would not make the device any safer; show the app.
      setFailedFor(userId);
    });
  }, [isOwned, userId, queryClient]);

  return isOwned || failedFor === userId ? children : null;
}
