import path from "node:path";
import type { Env } from "~/server/env";
import { createDiskStorage } from "./disk";
import { createS3Storage } from "./s3";
import type { FileStorage } from "./types";

export type { FileStorage, StoredObject } from "./types";

/** An S3-compatible store when S3_BUCKET is set, else files under `${DATA_DIR}/files`. */
export function createStorage(env: Env): FileStorage {
  if (env.S3_BUCKET) {
    const region = env.S3_REGION ?? "us-east-1";
    return createS3Storage({
      bucket: env.S3_BUCKET,
      endpoint: env.S3_ENDPOINT ?? `https://s3.${region}.amazonaws.com`,
      region,
      accessKeyId: env.S3_ACCESS_KEY_ID!,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY!,
    });
  }
  return createDiskStorage(path.resolve(env.DATA_DIR, "files"));
}

// On globalThis: the sweep runs in the server bundle, the file routes in Next's; one store for both.
const key = Symbol.for("floorchat.storage");
type Holder = { [key]?: FileStorage };

/** The process's one storage, shared by the file routes and the sweep. */
export function getProcessStorage(env: Env): FileStorage {
  const holder = globalThis as Holder;
  holder[key] ??= createStorage(env);
  return holder[key];
}
