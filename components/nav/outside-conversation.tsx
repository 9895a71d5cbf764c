"use client";

import { usePathname } from "next/navigation";
import type { ReactNode } from "react";

/**
 * Shows its children on every screen but an open conversation: that one is exactly as tall as
 * the screen, and anything above it would push the composer out of reach.
 */
export function OutsideConversation({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  return /^\/chats\/[^/]+/.test(pathname) ? null : children;
}
