import { createReadStream } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { type FileStorage, assertSafeKey } from "./types";

/**
 * Files under one directory (`${DATA_DIR}/files`), spread over 256 subdirectories by the key's
 * first two characters. Writes go to a temporary name first and are renamed into place, so a
 * reader never sees half a file.
 */
export function createDiskStorage(root: string): FileStorage {
  const pathOf = (key: string) => {
    assertSafeKey(key);
    return path.join(root, key.slice(0, 2), key);
  };
  return {
    kind: "disk",
    async put(key, bytes) {
      const target = pathOf(key);
      await mkdir(path.dirname(target), { recursive: true });
      const temporary = `${target}.${process.pid}.${Date.now()}.part`;
      await writeFile(temporary, bytes);
      await rename(temporary, target);
    },
    async get(key) {
      const target = pathOf(key);
      try {
        const { size } = await stat(target);
        return { body: Readable.toWeb(createReadStream(target)) as ReadableStream<Uint8Array>, size };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw error;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}
