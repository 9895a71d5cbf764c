import { and, asc, eq, isNull } from "drizzle-orm";
import type { Db } from "~/db/client";
import { users } from "~/db/schema";

/**
 * User names of the active accounts that still sign in with the seed's demo password, for the
 * admins' banner and the start-up warning. The seed sets the flag; setting a password clears it,
 * so nothing has to test every hash. A deactivated account cannot sign in, so it is left out.
 */
export async function demoPasswordAccounts(db: Db): Promise<string[]> {
  const rows = await db
    .select({ username: users.username })
    .from(users)
    .where(and(eq(users.demoPassword, true), isNull(users.deactivatedAt)))
    .orderBy(asc(users.username));
  return rows.flatMap((row) => (row.username ? [row.username] : []));
}
