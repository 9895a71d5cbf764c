"use client";

import { useSyncExternalStore } from "react";
import type { StreamEvent } from "~/contracts/stream";

/**
 * "Someone wants to chat" (the TrackerChat document): direct chats whose first message reached
 * this person while they were elsewhere in the app, oldest first, until they open the chat or say
 * Later. Kept for this tab only: the chat's unread count is what lasts.
 */
export type ChatRequest = { chatId: string; name: string };

/** More than this many people at once is a rush the list itself shows; the alert keeps the first. */
const MAX_REQUESTS = 20;
const EMPTY: ChatRequest[] = [];

let requests: ChatRequest[] = EMPTY;
/** Raised once per tab: a reconnect replays the first message, and Later must stay later. */
const raised = new Set<string>();
const listeners = new Set<() => void>();

function set(next: ChatRequest[]) {
  requests = next;
  for (const listener of listeners) listener();
}

export function addChatRequest(request: ChatRequest): void {
  if (requests.length >= MAX_REQUESTS || raised.has(request.chatId)) return;
  raised.add(request.chatId);
  set([...requests, request]);
}

/** Opened or put off (Later), here or, for a read, on another of the person's devices. */
export function dismissChatRequest(chatId: string): void {
  if (requests.some((r) => r.chatId === chatId)) set(requests.filter((r) => r.chatId !== chatId));
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

export function chatRequests(): ChatRequest[] {
  return requests;
}

export function useChatRequests(): ChatRequest[] {
  return useSyncExternalStore(subscribe, chatRequests, () => EMPTY);
}

/**
 * The event that may start a request: the first message of a chat (seq 1), written by another
 * person. Whether the chat is a direct one the caller looks up (the event does not say).
 */
export function firstMessageFromOther(event: StreamEvent, me: string): ChatRequest | null {
  if (event.type !== "message.created" || event.message.seq !== 1) return null;
  const sender = event.message.sender;
  if (sender.kind !== "user" || !sender.id || sender.id === me) return null;
  return { chatId: event.chatId, name: sender.name };
}
