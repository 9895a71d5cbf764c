"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import type { MessageDto } from "~/contracts/messages";
import { newClientId } from "~/lib/client-id";
import { requestFlush } from "~/lib/outbox/runner";
import { addToOutbox } from "~/lib/outbox/store";
import { useOutbox } from "~/lib/outbox/use-outbox";
import { useTRPC } from "~/lib/trpc/client";
import type { ComposerDraft, ComposerMode } from "./composer";

/**
 * What the composer writes and where it goes: a new message (or a reply) into the outbox, an
 * edit straight to the server. Also the chat's messages still waiting in the outbox, and the
 * error of the last change that failed.
 */
export function useSend(options: {
  chatId: string;
  me: string;
  /** Puts the server's answer to an edit into the timeline. */
  mergeIntoTimeline: (messages: MessageDto[]) => void;
  /** A new message was written: the conversation shows the whole timeline again to show it. */
  onQueued: () => void;
}) {
  const { chatId, me, mergeIntoTimeline, onQueued } = options;
  const trpc = useTRPC();
  // Messages not yet accepted by the server live in the outbox (IndexedDB): they survive a reload
  // and go out, in order, when the connection allows (lib/outbox).
  const outbox = useOutbox(me);
  const pending = outbox.filter((item) => item.chatId === chatId);
  const [mode, setMode] = useState<ComposerMode>({ kind: "new", replyTo: null });
  const [error, setError] = useState<string | null>(null);
  const [hasSent, setHasSent] = useState(false);
  const edit = useMutation(trpc.message.edit.mutationOptions());
  const typing = useMutation(trpc.chat.typing.mutationOptions());

  function send({ body, mentions, attachments }: ComposerDraft) {
    if (mode.kind === "edit") {
      edit.mutate(
        { messageId: mode.message.id, body },
        { onSuccess: (message) => mergeIntoTimeline([message]), onError: (e) => setError(e.message) },
      );
      setMode({ kind: "new", replyTo: null });
      return;
    }
    const replyTo = mode.replyTo;
    setHasSent(true);
    setMode({ kind: "new", replyTo: null });
    onQueued();
    void addToOutbox({
      clientId: newClientId(),
      userId: me,
      chatId,
      body,
      mentions,
      attachments,
      replyTo: replyTo ? { id: replyTo.id, senderName: replyTo.sender.name, body: replyTo.body } : null,
      createdAt: Date.now(),
      state: "pending",
      error: null,
    })
      .then(requestFlush)
      .catch((e: unknown) => setError((e as Error).message));
  }

  return {
    mode,
    setMode,
    send,
    /** This chat's messages still in the outbox, oldest first. */
    pending,
    /** Whether a message was written here since the chat was opened. */
    hasSent,
    error,
    /** Shows why another change to a message (a delete) failed, where a failed send shows. */
    showError: setError,
    notifyTyping: () => typing.mutate({ chatId }),
  };
}
