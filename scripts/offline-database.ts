import { type Database, openDatabase } from "~/db/client";
import { DataDirLockedError } from "~/db/lock";
import { type Env, EnvError, getEnv } from "~/server/env";

/**
 * The database for a console script (`token:create`, `user:password`), opened offline as the
 * server would open it. A bad setting, or a server holding the embedded database, ends the
 * script with one line; `whenLocked` says what to do instead.
 */
export async function openOfflineDatabase(fail: (message: string) => never, whenLocked: string): Promise<Database> {
  const env = readEnv(fail);
  return openDatabase(env).catch((error: unknown) => {
    if (error instanceof DataDirLockedError) fail(`${error.message}\n${whenLocked}`);
    fail(`Cannot open the database: ${(error as Error).message}`);
  });
}

/** The settings, as the server reads them; a bad one ends the script with its one line. */
export function readEnv(fail: (message: string) => never): Env {
  try {
    return getEnv();
  } catch (error) {
    fail(error instanceof EnvError ? error.message : String(error));
  }
}
