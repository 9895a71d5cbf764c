import { z } from "zod";
import { listGroups } from "~/server/services/people";
import { authedProcedure, router } from "../trpc";

const ZGroup = z.object({ id: z.string(), name: z.string(), kind: z.enum(["team", "site", "company"]) });

export const groupRouter = router({
  list: authedProcedure.output(z.array(ZGroup)).query(({ ctx }) => listGroups(ctx.db)),
});
