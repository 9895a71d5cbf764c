"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef } from "react";
import { focusedWindow, setAttention, setFocusedWindow } from "~/lib/chat/windows";
import { useCurrentUserId, useStreamEvent } from "~/lib/realtime/stream-provider";

/**
 * Wide screens (issue 14), for every chat window on screen: which one the person works in, and
 * the attention a message from someone else asks for while they work elsewhere: the window's
 * header lights up until they turn to it (lib/chat/windows.ts carries it to the header), the
 * tab's title blinks while the page is not in front of them. Draws nothing.
 */
export function WindowAttention({ picked, docked }: { picked: string | null; docked: readonly string[] }) {
  useWindowFocus(picked, docked);
  useAttentionOnMessages(picked);
  return null;
}

function windowOf(target: EventTarget | null): string | null {
  const element = target instanceof Element ? target.closest<HTMLElement>("[data-chat-window]") : null;
  return element?.dataset.chatWindow ?? null;
}

/**
 * The window the person works in is the last one they focused or touched (a tap on a timeline
 * moves no focus); until then, and after they pick another chat, it is the picked one. The
 * live stream reports it as the chat on screen (lib/realtime/stream-provider.tsx), and it is
 * the one window that never asks for attention.
 */
function useWindowFocus(picked: string | null, docked: readonly string[]) {
  useEffect(() => {
    const onFocus = (event: Event) => {
      const chatId = windowOf(event.target);
      if (!chatId) return;
      setFocusedWindow(chatId);
      setAttention(chatId, false);
    };
    document.addEventListener("focusin", onFocus);
    document.addEventListener("pointerdown", onFocus);
    return () => {
      document.removeEventListener("focusin", onFocus);
      document.removeEventListener("pointerdown", onFocus);
      setFocusedWindow(null);
    };
  }, []);
  // Another chat picked in the list: that one is in front now.
  const lastPicked = useRef(picked);
  useEffect(() => {
    if (lastPicked.current === picked) return;
    lastPicked.current = picked;
    setFocusedWindow(null);
    if (picked) setAttention(picked, false);
  }, [picked]);
  // A window closed while focused: back to the picked one.
  useEffect(() => {
    const current = focusedWindow();
    if (current && current !== picked && !docked.includes(current)) setFocusedWindow(null);
  }, [picked, docked]);
}

/** Whether the person has the page in front of them (a blur or a hidden tab says not). */
function usePageFocus() {
  const isFocused = useRef(true);
  useEffect(() => {
    isFocused.current = document.hasFocus() && !document.hidden;
    const onBlur = () => void (isFocused.current = false);
    const onFocus = () => void (isFocused.current = true);
    const onVisibility = () => {
      if (document.hidden) isFocused.current = false;
    };
    window.addEventListener("blur", onBlur);
    window.addEventListener("focus", onFocus);
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      window.removeEventListener("blur", onBlur);
      window.removeEventListener("focus", onFocus);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, []);
  return isFocused;
}

// The unread count TitleAttention (components/nav/attention.tsx) puts first, then a blinking
// prefix of either of us: both are read off the title so neither one's is taken as the page's.
const TITLE_PARTS = /^(\(\d+\+?\) )?(• .*? • )?/;

function useAttentionOnMessages(pickedChat: string | null) {
  const picked = useRef(pickedChat);
  useEffect(() => {
    picked.current = pickedChat;
  }, [pickedChat]);
  const t = useTranslations("conversation");
  const me = useCurrentUserId();
  const isPageFocused = usePageFocus();
  const blink = useRef<{ timer: ReturnType<typeof setInterval>; count: number; isOn: boolean } | null>(null);

  useEffect(() => {
    const stop = () => {
      if (!blink.current) return;
      clearInterval(blink.current.timer);
      blink.current = null;
      const parts = TITLE_PARTS.exec(document.title);
      document.title = `${parts?.[1] ?? ""}${document.title.slice(parts?.[0].length ?? 0)}`;
    };
    const onFocus = () => stop();
    window.addEventListener("focus", onFocus);
    return () => {
      window.removeEventListener("focus", onFocus);
      stop();
    };
  }, []);

  function blinkTitle() {
    const tick = () => {
      const state = blink.current;
      if (!state) return;
      state.isOn = !state.isOn;
      const parts = TITLE_PARTS.exec(document.title);
      const count = parts?.[1] ?? "";
      const rest = document.title.slice(parts?.[0].length ?? 0);
      document.title = state.isOn ? `${count}• ${t("titleNew", { count: state.count })} • ${rest}` : `${count}${rest}`;
    };
    if (blink.current) blink.current.count += 1;
    else blink.current = { timer: setInterval(tick, 1_000), count: 1, isOn: false };
    // Shown at once, not a second later; the interval alternates from here.
    blink.current.isOn = false;
    tick();
  }

  useStreamEvent((event) => {
    if (event.type !== "message.created") return;
    const message = event.message;
    if (message.sender.id === me || message.kind === "system") return;
    const windows = [...document.querySelectorAll<HTMLElement>("[data-chat-window]")].map((element) => element.dataset.chatWindow);
    if (!windows.includes(event.chatId)) return;
    // With one window on screen there is nothing to point at but the title.
    if (windows.length > 1 && event.chatId !== (focusedWindow() ?? picked.current)) setAttention(event.chatId, true);
    if (!isPageFocused.current || document.hidden) blinkTitle();
  });
}
