import { z } from "zod";
import { addShifts, createRota, deleteRota, getRota, listRotas, removeShifts, rotaCandidates } from "~/server/services/rotas";
import { ZOk } from "../schemas/common";
import { ZAddShiftsInput, ZCreateRotaInput, ZRemoveShiftsInput, ZRota, ZRotaDetail, ZRotaRef } from "../schemas/rota";
import { adminProcedure, router } from "../trpc";

/** On-duty rotas for help-desk routing (PRODUCT.md C5): admins only. */
export const rotaRouter = router({
  list: adminProcedure.output(z.array(ZRota)).query(({ ctx }) => listRotas(ctx.db)),
  get: adminProcedure
    .input(ZRotaRef)
    .output(ZRotaDetail)
    .query(async ({ ctx, input }) => ({ rota: await getRota(ctx.db, input.id), candidates: await rotaCandidates(ctx.db, input.id) })),
  create: adminProcedure
    .input(ZCreateRotaInput)
    .output(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) => createRota(ctx.db, ctx.actor, input)),
  delete: adminProcedure
    .input(ZRotaRef)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => (await deleteRota(ctx.db, ctx.actor, input.id), { ok: true as const })),
  addShifts: adminProcedure
    .input(ZAddShiftsInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => (await addShifts(ctx.db, ctx.actor, input.rotaId, input.shifts), { ok: true as const })),
  removeShifts: adminProcedure
    .input(ZRemoveShiftsInput)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => (await removeShifts(ctx.db, ctx.actor, input.rotaId, input.shiftIds), { ok: true as const })),
});
