"use client";

import { useQueryClient } from "@tanstack/react-query";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect } from "react";
import { isSoundEnabled } from "~/lib/preferences";
import { useCurrentUserId, useStreamEvent } from "~/lib/realtime/stream-provider";
import { useTRPC } from "~/lib/trpc/client";
import type { ChatSummary } from "~/lib/trpc/types";
import { useTotalUnread } from "./app-nav";

/**
 * The tab title shows the unread count, and blinks while the tab is hidden and something is
 * unread (PRODUCT.md N2).
 */
export function TitleAttention() {
  const t = useTranslations("nav");
  const unread = useTotalUnread();
  useEffect(() => {
    // The installed app's icon carries the count too (Badging API, where the platform has it).
    if ("setAppBadge" in navigator) {
      void (unread > 0 ? navigator.setAppBadge(unread) : navigator.clearAppBadge()).catch(() => undefined);
    }
  }, [unread]);
  useEffect(() => {
    const base = document.title.replace(/^\(\d+\+?\) /, "").replace(/^• .*? • /, "");
    const counted = unread > 0 ? `(${unread > 99 ? "99+" : unread}) ${base}` : base;
    document.title = counted;
    if (unread === 0) return;
    let on = false;
    const timer = setInterval(() => {
      if (!document.hidden) {
        document.title = counted;
        return;
      }
      on = !on;
      document.title = on ? `• ${t("newMessages")} • ${base}` : counted;
    }, 1_000);
    return () => {
      clearInterval(timer);
      document.title = base;
    };
  }, [unread, t]);
  return null;
}

let audio: AudioContext | null = null;

/** A short two-note chime, synthesised: no audio file to download or cache. */
function chime() {
  audio ??= new AudioContext();
  // Browsers keep audio suspended until the page has had a tap; then this succeeds.
  void audio.resume().catch(() => undefined);
  const now = audio.currentTime;
  for (const [offset, frequency] of [
    [0, 880],
    [0.12, 1175],
  ] as const) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, now + offset);
    gain.gain.exponentialRampToValueAtTime(0.2, now + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.25);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(now + offset);
    oscillator.stop(now + offset + 0.3);
  }
}

/** A sound for a new message from someone else in a chat that is not open (N2; off in Me). */
export function NewMessageSound() {
  const pathname = usePathname();
  const me = useCurrentUserId();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useStreamEvent((event) => {
    if (event.type !== "message.created" || event.message.sender.id === me || !isSoundEnabled()) return;
    const isOpen = pathname === `/chats/${event.chatId}` && !document.hidden;
    const chat = queryClient.getQueryData<ChatSummary[]>(trpc.chat.list.queryKey())?.find((c) => c.id === event.chatId);
    if (isOpen || chat?.muted) return;
    try {
      chime();
    } catch {
      // No audio on this device: the badge and the title still show it.
    }
  });
  return null;
}
