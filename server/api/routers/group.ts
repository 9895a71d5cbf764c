import { asc } from "drizzle-orm";
import { z } from "zod";
import { groups } from "~/db/schema";
import { authedProcedure, router } from "../trpc";

const ZGroup = z.object({ id: z.string(), name: z.string(), kind: z.enum(["team", "site", "company"]) });

export const groupRouter = router({
  // Group names are organisation-wide knowledge (the room access picker needs them).
  list: authedProcedure
    .output(z.array(ZGroup))
    .query(({ ctx }) => ctx.db.select({ id: groups.id, name: groups.name, kind: groups.kind }).from(groups).orderBy(asc(groups.name))),
});
