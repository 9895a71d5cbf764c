import { ownItems } from "~/lib/pwa/ownership";

/**
 * The outbox (PRODUCT.md W5): messages written but not yet accepted by the server, kept in
 * IndexedDB so they survive a closed app, a reload and a dead battery. Pages and the service
 * worker both read and write it; a BroadcastChannel tells every open page when it changed.
 */

export type OutboxState = "pending" | "failed";

/**
 * A file sent with an item: uploaded (id) or still to upload by the outbox (blob, kept in
 * IndexedDB, which stores Blobs). The id is written back once uploaded, so a retry never
 * uploads it twice.
 */
export type OutboxAttachment = {
  localId: string;
  id: string | null;
  name: string;
  size: number;
  contentType: string;
  kind: "image" | "file";
  blob: Blob | null;
};

export type OutboxItem = {
  /** The server's idempotency key: however often the item is sent, it lands once. */
  clientId: string;
  /** Only the user who wrote it may send it: a shared tablet changes hands. */
  userId: string;
  chatId: string;
  body: string;
  /** Structured mentions, sent with the message (PRODUCT.md M4). */
  mentions?: { userIds: string[]; entityIds: string[] };
  replyTo: { id: string; senderName: string; body: string | null } | null;
  /** Files carried by the message (PRODUCT.md M3). */
  attachments?: OutboxAttachment[];
  createdAt: number;
  state: OutboxState;
  /** Why the server refused it, in its words; null while pending. */
  error: string | null;
};

const DB_NAME = "floorchat-offline";
const STORE = "messages";
/** The last messages seen in each chat, per user (lib/outbox/timelines.ts). */
export const TIMELINES = "timelines";
const CHANNEL = "floorchat-outbox";

let opening: Promise<IDBDatabase> | null = null;

export function open(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      const store = request.result.createObjectStore(STORE, { keyPath: "clientId" });
      store.createIndex("createdAt", "createdAt");
      request.result.createObjectStore(TIMELINES, { keyPath: "key" }).createIndex("userId", "userId");
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => {
      opening = null;
      reject(request.error ?? new Error("IndexedDB is not available"));
    };
  });
  return opening;
}

export function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error("IndexedDB request failed"));
  });
}

async function write(change: (store: IDBObjectStore) => void): Promise<void> {
  const db = await open();
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(STORE, "readwrite");
    change(tx.objectStore(STORE));
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error("IndexedDB write failed"));
    tx.onabort = () => reject(tx.error ?? new Error("IndexedDB write aborted"));
  });
  announce();
}

/** Every item of this user, oldest first: the order they were written is the order they go. */
export async function listOutbox(userId: string): Promise<OutboxItem[]> {
  const db = await open();
  const all = await done(db.transaction(STORE).objectStore(STORE).index("createdAt").getAll() as IDBRequest<OutboxItem[]>);
  return ownItems(all, userId);
}

export function addToOutbox(item: OutboxItem): Promise<void> {
  return write((store) => store.put(item));
}

export function removeFromOutbox(clientId: string): Promise<void> {
  return write((store) => store.delete(clientId));
}

/** Marks an item failed (with the server's reason) or pending again (a retry). */
export async function setOutboxState(clientId: string, state: OutboxState, error: string | null): Promise<void> {
  const db = await open();
  const item = await done(db.transaction(STORE).objectStore(STORE).get(clientId) as IDBRequest<OutboxItem | undefined>);
  if (!item) return;
  await write((store) => store.put({ ...item, state, error }));
}

/** Changes one item in place (an attachment's id recorded after its upload). */
export async function updateOutboxItem(clientId: string, change: (item: OutboxItem) => OutboxItem): Promise<void> {
  const db = await open();
  const item = await done(db.transaction(STORE).objectStore(STORE).get(clientId) as IDBRequest<OutboxItem | undefined>);
  if (!item) return;
  await write((store) => store.put(change(item)));
}

type Listener = () => void;
const listeners = new Set<Listener>();
let channel: BroadcastChannel | null = null;

function notifyHere() {
  for (const listener of listeners) listener();
}

function getChannel(): BroadcastChannel | null {
  if (!channel && typeof BroadcastChannel !== "undefined") {
    channel = new BroadcastChannel(CHANNEL);
    channel.onmessage = notifyHere;
  }
  return channel;
}

function announce() {
  notifyHere();
  getChannel()?.postMessage("changed");
}

/** Calls back whenever the outbox changes, in this page, another tab or the service worker. */
export function onOutboxChange(listener: Listener): () => void {
  getChannel();
  listeners.add(listener);
  return () => listeners.delete(listener);
}
