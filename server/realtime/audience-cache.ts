import type { Db } from "~/db/client";
import { type Audience, chatAudience } from "~/server/services/access";

const AUDIENCE_TTL_MS = 60_000;
const MAX_CACHED_AUDIENCES = 20_000;

type Entry = { audience: Promise<Audience | null>; settled?: Audience | null; at: number };

/**
 * Who reads each chat, as last looked up: one look-up at a time per chat, the oldest dropped past
 * the limit. The hub forgets a chat on its changes; the age limit bounds staleness from changes
 * that carry no chat event (group membership).
 */
export class AudienceCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly db: Db) {}

  /** The audience if it is known now (null: the chat is gone); undefined while unknown or stale. */
  settled(chatId: string): Audience | null | undefined {
    const cached = this.entries.get(chatId);
    if (cached && "settled" in cached && Date.now() - cached.at < AUDIENCE_TTL_MS) return cached.settled ?? null;
    return undefined;
  }

  get(chatId: string): Promise<Audience | null> {
    const now = Date.now();
    const cached = this.entries.get(chatId);
    if (cached && now - cached.at < AUDIENCE_TTL_MS) return cached.audience;
    const audience = chatAudience(this.db, chatId);
    const entry: Entry = { audience, at: now };
    this.entries.delete(chatId);
    this.entries.set(chatId, entry);
    audience.then(
      (value) => (entry.settled = value),
      () => this.entries.get(chatId) === entry && this.entries.delete(chatId),
    );
    if (this.entries.size > MAX_CACHED_AUDIENCES) this.entries.delete(this.entries.keys().next().value!);
    return audience;
  }

  forget(chatId: string): void {
    this.entries.delete(chatId);
  }
}
