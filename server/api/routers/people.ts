import { z } from "zod";
import { getPerson, listPeople, setStatus } from "~/server/services/people";
import { ZListPeopleInput, ZPerson, ZPersonCard, ZPersonRef, ZSetStatusInput } from "../schemas/people";
import { authedProcedure, router } from "../trpc";

export const peopleRouter = router({
  list: authedProcedure.input(ZListPeopleInput).output(z.array(ZPerson)).query(({ ctx, input }) => listPeople(ctx, ctx.actor, input)),
  get: authedProcedure.input(ZPersonRef).output(ZPersonCard).query(({ ctx, input }) => getPerson(ctx, ctx.actor, input.userId)),
  setStatus: authedProcedure
    .input(ZSetStatusInput)
    .output(ZSetStatusInput)
    .mutation(({ ctx, input }) => setStatus(ctx, ctx.actor, input)),
});
