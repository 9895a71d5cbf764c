/**
 * Where attachment bytes live (PRODUCT.md M3): local disk by default, an S3-compatible object
 * store when configured. Keys are ours alone (random ids), never a user's file name.
 */
export type StoredObject = { body: ReadableStream<Uint8Array>; size: number };

export interface FileStorage {
  readonly kind: "disk" | "s3";
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The object, or null if there is none. */
  get(key: string): Promise<StoredObject | null>;
  /** Deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
}

const SAFE_KEY = /^[a-z0-9][a-z0-9-]{7,80}$/;

/** Refuses anything but our own key shape, so no key can climb out of its directory or bucket. */
export function assertSafeKey(key: string): void {
  if (!SAFE_KEY.test(key)) throw new Error(`Unsafe storage key ${JSON.stringify(key)}`);
}
