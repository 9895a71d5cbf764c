/**
 * Whose data a shared device keeps (a tablet on the floor changes hands, and a session may simply
 * expire with nobody signing out). Pure, so the rules have unit tests; lib/pwa/device-owner.ts
 * applies them to the browser's storage.
 */

/**
 * Whether what the device keeps for someone (cached pages and query answers, thumbnails, saved
 * timelines) must go before `userId` sees anything. An unknown keeper (a first start, cleared
 * storage, a version before this rule) may be anyone, so it counts as someone else.
 */
export function mustForget(keptFor: string | null, userId: string): boolean {
  return keptFor !== userId;
}

/**
 * The items (outbox messages, saved timelines) that are `userId`'s own. The outbox is never
 * emptied for the next person: an unsent message stays with its writer, hidden from and never
 * sent by anyone else, and goes when its writer signs in again.
 */
export function ownItems<T extends { userId: string }>(items: T[], userId: string): T[] {
  return items.filter((item) => item.userId === userId);
}

/** The saved items of everyone but `userId`: what a change of hands deletes (never outbox items). */
export function othersItems<T extends { userId: string }>(items: T[], userId: string): T[] {
  return items.filter((item) => item.userId !== userId);
}
