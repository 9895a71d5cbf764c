/** Who is typing where: ephemeral, expiring by itself, shared through useSyncExternalStore. */
type Typist = { userId: string; name: string; until: number };

const typing = new Map<string, Typist[]>();
const listeners = new Set<() => void>();
const EMPTY: Typist[] = [];

function emit() {
  for (const listener of listeners) listener();
}

export function noteTyping(chatId: string, userId: string, name: string, expiresInMs: number) {
  const until = Date.now() + expiresInMs;
  const others = (typing.get(chatId) ?? []).filter((t) => t.userId !== userId);
  typing.set(chatId, [...others, { userId, name, until }]);
  emit();
  setTimeout(() => expire(chatId), expiresInMs + 50);
}

/** A message from someone ends their typing at once. */
export function stopTyping(chatId: string, userId: string) {
  const current = typing.get(chatId);
  if (!current?.some((t) => t.userId === userId)) return;
  typing.set(chatId, current.filter((t) => t.userId !== userId));
  emit();
}

function expire(chatId: string) {
  const now = Date.now();
  const current = typing.get(chatId) ?? [];
  const alive = current.filter((t) => t.until > now);
  if (alive.length !== current.length) {
    typing.set(chatId, alive);
    emit();
  }
}

export function subscribeTyping(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function typistsIn(chatId: string): Typist[] {
  return typing.get(chatId) ?? EMPTY;
}
