import type { MessageDto } from "~/contracts/messages";
import { type Wire, deserialize, serialize } from "~/lib/trpc/wire";
import { uploadOutboxFiles } from "./attachments";
import { type OutboxItem, listOutbox, removeFromOutbox, setOutboxState } from "./store";

/**
 * What became of one attempt: sent (the server has it, perhaps from an earlier attempt whose
 * answer was lost), refused (it never will: show the reason), or wait (offline, server trouble,
 * signed out: try again later, in the same order).
 */
export type Attempt = { kind: "sent"; message: MessageDto } | { kind: "refused"; reason: string } | { kind: "wait" };

type TrpcAnswer = { result?: { data: Wire }; error?: Wire | Record<string, unknown> };

/**
 * Sends one item with a plain fetch to the tRPC endpoint rather than the tRPC client, so the
 * service worker (Background Sync) and the pages share this one code path.
 */
export async function sendItem(item: OutboxItem): Promise<Attempt> {
  // Files first: the message may name only uploads the server has.
  const files = await uploadOutboxFiles(item);
  if (files.kind !== "ready") return files;
  let response: Response;
  try {
    response = await fetch("/api/trpc/message.send", {
      method: "POST",
      headers: { "content-type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(
        serialize({
          chatId: item.chatId,
          clientId: item.clientId,
          body: item.body,
          replyToId: item.replyTo?.id ?? null,
          senderId: item.userId,
          mentions: item.mentions,
          attachmentIds: files.ids.length > 0 ? files.ids : undefined,
        }),
      ),
    });
  } catch {
    return { kind: "wait" };
  }
  // Server trouble, rate limit, lost session: none of these is the message's fault.
  if (response.status >= 500 || response.status === 429 || response.status === 401) return { kind: "wait" };
  let answer: TrpcAnswer;
  try {
    answer = (await response.json()) as TrpcAnswer;
  } catch {
    return { kind: "wait" };
  }
  if (response.ok && answer.result) return { kind: "sent", message: deserialize(answer.result.data) as MessageDto };
  type Refusal = { message?: string; data?: { fields?: Record<string, string> | null } };
  const error = (answer.error && "json" in answer.error ? deserialize(answer.error as Wire) : answer.error) as Refusal | undefined;
  // A field's own message ("At most 10,000 characters") says more than the validation summary.
  const field = Object.values(error?.data?.fields ?? {})[0];
  return { kind: "refused", reason: field ?? error?.message ?? `HTTP ${response.status}` };
}

/**
 * Sends this user's pending items oldest first, stopping at the first that must wait so that
 * nothing overtakes it. One flush at a time across tabs and the service worker (Web Locks);
 * two at once would still land each message once (the client id), but could interleave order.
 * Returns whether items are still waiting.
 */
export async function flushOutbox(userId: string, onSent: (message: MessageDto) => void = () => {}): Promise<{ waiting: boolean }> {
  const run = async () => {
    for (const item of await listOutbox(userId)) {
      if (item.state !== "pending") continue;
      const attempt = await sendItem(item);
      if (attempt.kind === "wait") return { waiting: true };
      if (attempt.kind === "sent") {
        onSent(attempt.message);
        await removeFromOutbox(item.clientId);
      } else {
        await setOutboxState(item.clientId, "failed", attempt.reason);
      }
    }
    return { waiting: false };
  };
  if (typeof navigator !== "undefined" && "locks" in navigator) {
    return navigator.locks.request(`floorchat-outbox:${userId}`, run);
  }
  return run();
}
