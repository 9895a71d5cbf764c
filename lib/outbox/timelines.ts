import type { MessageDto } from "~/contracts/messages";
import { othersItems } from "~/lib/pwa/ownership";
import { TIMELINES, done, open } from "./store";

/**
 * The recent messages of each chat a user opened, kept on the device so the chat still shows
 * them with no network (PRODUCT.md W5). A cached HTTP answer would be older: it misses whatever
 * arrived live after it was fetched.
 */
type Saved = { key: string; userId: string; chatId: string; messages: MessageDto[]; savedAt: number };

const keyOf = (userId: string, chatId: string) => `${userId}:${chatId}`;

export async function saveTimeline(userId: string, chatId: string, messages: MessageDto[]): Promise<void> {
  const db = await open();
  const saved: Saved = { key: keyOf(userId, chatId), userId, chatId, messages, savedAt: Date.now() };
  await done(db.transaction(TIMELINES, "readwrite").objectStore(TIMELINES).put(saved));
}

export async function loadTimeline(userId: string, chatId: string): Promise<MessageDto[] | null> {
  const db = await open();
  const saved = await done(db.transaction(TIMELINES).objectStore(TIMELINES).get(keyOf(userId, chatId)) as IDBRequest<Saved | undefined>);
  // Saved by an earlier version, a message may lack the newer fields: give them their empty values.
  return (
    saved?.messages.map((message) => ({
      ...message,
      attachments: message.attachments ?? [],
      mentions: message.mentions ?? { users: [], entities: [] },
      reactions: message.reactions ?? [],
    })) ?? null
  );
}

/** On a shared tablet, the next person signed in does not keep the last one's chats (lib/pwa/device-owner.ts). */
export async function forgetOtherUsersTimelines(userId: string): Promise<void> {
  const db = await open();
  const store = db.transaction(TIMELINES, "readwrite").objectStore(TIMELINES);
  const all = await done(store.getAll() as IDBRequest<Saved[]>);
  await Promise.all(othersItems(all, userId).map((saved) => done(store.delete(saved.key))));
}
