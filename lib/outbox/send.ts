import { TRPCClientError, createTRPCClient, httpLink } from "@trpc/client";
import type { AppRouter } from "~/contracts/api";
import type { MessageDto } from "~/contracts/messages";
import { wire } from "~/lib/trpc/wire";
import { uploadOutboxFiles } from "./attachments";
import { type OutboxItem, listOutbox, removeFromOutbox, setOutboxState } from "./store";

/**
 * What became of one attempt: sent (the server has it, perhaps from an earlier attempt whose
 * answer was lost), refused (it never will: show the reason), or wait (offline, server trouble,
 * signed out: try again later, in the same order).
 */
export type Attempt = { kind: "sent"; message: MessageDto } | { kind: "refused"; reason: string } | { kind: "wait" };

/**
 * The outbox's own tRPC client: typed like the pages' one, plain (no React), so the service
 * worker (Background Sync) and the pages share one code path. One request per message, never
 * batched: a send is not held back by, or failed with, anything else.
 */
export function createOutboxClient(url = "/api/trpc", headers?: () => Record<string, string>) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url,
        transformer: wire,
        headers,
        // Who is signed in, and whether a send landed, must come from the server, never a cache.
        fetch: (input, init) => fetch(input, { ...(init as RequestInit), cache: "no-store" }),
      }),
    ],
  });
}

export type OutboxClient = ReturnType<typeof createOutboxClient>;

let sameOrigin: OutboxClient | null = null;

/** The client for this page's or service worker's own origin. */
export const outboxClient = (): OutboxClient => (sameOrigin ??= createOutboxClient());

/** What a failed call means for the message: wait and retry, or give up with the reason. */
function failedAttempt(error: unknown): Attempt {
  const data = error instanceof TRPCClientError ? (error.data as { httpStatus?: number; fields?: Record<string, string> | null } | undefined) : undefined;
  const status = data?.httpStatus;
  // No tRPC answer at all (offline, a cut connection, a proxy's error page), server trouble, a
  // rate limit, a lost session: none of these is the message's fault.
  if (status === undefined || status >= 500 || status === 429 || status === 401) return { kind: "wait" };
  // A field's own message ("At most 10,000 characters") says more than the validation summary.
  const field = Object.values(data?.fields ?? {})[0];
  return { kind: "refused", reason: field ?? (error as Error).message };
}

export async function sendItem(item: OutboxItem, client: OutboxClient = outboxClient()): Promise<Attempt> {
  // Files first: the message may name only uploads the server has.
  const files = await uploadOutboxFiles(item);
  if (files.kind !== "ready") return files;
  try {
    const message = await client.message.send.mutate({
      chatId: item.chatId,
      clientId: item.clientId,
      body: item.body,
      replyToId: item.replyTo?.id ?? null,
      senderId: item.userId,
      mentions: item.mentions,
      attachmentIds: files.ids.length > 0 ? files.ids : undefined,
    });
    return { kind: "sent", message };
  } catch (error) {
    return failedAttempt(error);
  }
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
