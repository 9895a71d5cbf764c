import { z } from "zod";
import { demoPasswordAccounts } from "~/server/services/demo-password";
import { createUser, deactivateUser, getProfile, listUsers, reactivateUser } from "~/server/services/users";
import { ZActivation, ZCreateUserInput, ZCreatedUser, ZProfile, ZUserIdInput, ZUserListItem } from "../schemas/user";
import { adminProcedure, authedProcedure, managerProcedure, router } from "../trpc";

export const userRouter = router({
  me: authedProcedure.output(ZProfile).query(({ ctx }) => getProfile(ctx.db, ctx.actor)),
  list: managerProcedure.output(z.array(ZUserListItem)).query(({ ctx }) => listUsers(ctx.db)),
  /** User names still on the demo password: the admins' warning banner. */
  demoPasswordAccounts: adminProcedure.output(z.array(z.string())).query(({ ctx }) => demoPasswordAccounts(ctx.db)),
  create: adminProcedure
    .input(ZCreateUserInput)
    .output(ZCreatedUser)
    .mutation(({ ctx, input }) => createUser(ctx.db, ctx.actor, input)),
  deactivate: adminProcedure
    .input(ZUserIdInput)
    .output(ZActivation)
    .mutation(({ ctx, input }) => deactivateUser(ctx, ctx.actor, input)),
  reactivate: adminProcedure
    .input(ZUserIdInput)
    .output(ZActivation)
    .mutation(({ ctx, input }) => reactivateUser(ctx.db, ctx.actor, input)),
});
