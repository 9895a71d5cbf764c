import type { Db } from "~/db/client";
import type { Publisher } from "~/server/realtime/envelope";
import type { PresenceStore } from "~/server/realtime/presence-store";
import type { RateLimiter } from "./rate-limit";

/**
 * What services need beyond the actor: the database, a way to publish events after commit,
 * and who is online. Routers pass the process's; tests build their own.
 */
export type Deps = {
  db: Db;
  realtime: Publisher;
  presence: Pick<PresenceStore, "onlineUserIds">;
  sendLimiter: RateLimiter;
};
