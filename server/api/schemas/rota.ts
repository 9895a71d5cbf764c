import { z } from "zod";
import { MAX_SHIFTS_PER_ROTA, ROTA_NAME_PATTERN } from "~/server/services/rotas";
import { ZId, ZUserId } from "./common";

export const ZRotaShift = z.object({
  id: z.string(),
  userId: z.string(),
  userName: z.string(),
  weekday: z.number(),
  fromMinute: z.number(),
  toMinute: z.number(),
});

export const ZRota = z.object({
  id: z.string(),
  name: z.string(),
  groupId: z.string(),
  groupName: z.string(),
  timeZone: z.string(),
  createdAt: z.date(),
  shifts: z.array(ZRotaShift),
  onDutyNow: z.array(z.object({ id: z.string(), name: z.string() })),
});

export const ZRotaDetail = z.object({ rota: ZRota, candidates: z.array(z.object({ id: z.string(), name: z.string() })) });

export const ZCreateRotaInput = z.object({
  name: z
    .string()
    .trim()
    .min(1, { error: "Give the rota a name" })
    .max(40, { error: "At most 40 characters" })
    .regex(ROTA_NAME_PATTERN, { error: "Lower-case letters, digits and - only" }),
  groupId: ZId,
  timeZone: z.string().min(1, { error: "Choose a time zone" }).max(64),
});
export type TCreateRotaInput = z.infer<typeof ZCreateRotaInput>;

export const ZShiftInput = z
  .object({
    userId: ZUserId,
    weekday: z.number().int().min(0).max(6),
    fromMinute: z.number().int().min(0).max(1439),
    toMinute: z.number().int().min(1).max(1440),
  })
  .refine((s) => s.toMinute > s.fromMinute, { error: "The end comes after the start", path: ["toMinute"] });

export const ZAddShiftsInput = z.object({ rotaId: ZId, shifts: z.array(ZShiftInput).min(1).max(MAX_SHIFTS_PER_ROTA) });
export const ZRemoveShiftsInput = z.object({ rotaId: ZId, shiftIds: z.array(ZId).min(1).max(MAX_SHIFTS_PER_ROTA) });
export const ZRotaRef = z.object({ id: ZId });
