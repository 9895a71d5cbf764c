import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db, Tx } from "~/db/client";
import { groupMembers, groups, rotaShifts, rotas, users } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import { writeAudit } from "./audit";

/** Weekday (0 = Sunday) and minute of the day of `now` in `timeZone`. */
export function localWeekMinute(now: Date, timeZone: string): { weekday: number; minute: number } {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(get("weekday"));
  return { weekday, minute: Number(get("hour")) * 60 + Number(get("minute")) };
}

/**
 * Who is on duty on the rota `name` at `now`: active members of the rota's group whose weekly
 * window covers the rota's local time. Nobody on duty is an error, so a request is never
 * routed to no one.
 */
export async function onDuty(db: Db | Tx, name: string, now = new Date()): Promise<string[]> {
  const [rota] = await db.select().from(rotas).where(eq(rotas.name, name));
  if (!rota) throw new DomainError("invalid", `No rota named ${name}`, { participants: `No rota named ${name}` });
  const { weekday, minute } = localWeekMinute(now, rota.timeZone);
  const rows = await db
    .selectDistinct({ id: rotaShifts.userId })
    .from(rotaShifts)
    .innerJoin(users, eq(users.id, rotaShifts.userId))
    .innerJoin(groupMembers, and(eq(groupMembers.userId, rotaShifts.userId), eq(groupMembers.groupId, rota.groupId)))
    .where(
      and(
        eq(rotaShifts.rotaId, rota.id),
        eq(rotaShifts.weekday, weekday),
        sql`${rotaShifts.fromMinute} <= ${minute} and ${rotaShifts.toMinute} > ${minute}`,
        isNull(users.deactivatedAt),
      ),
    );
  if (rows.length === 0) throw new DomainError("conflict", `Nobody is on duty on ${name} now`);
  return rows.map((r) => r.id);
}

/** Rota names are what scripts write after `on-duty:`. */
export const ROTA_NAME_PATTERN = /^[a-z0-9-]+$/;
export const MAX_SHIFTS_PER_ROTA = 500;

/** Any time zone this server's Intl knows (IANA names and their aliases, and UTC). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}

export type RotaShiftDto = { id: string; userId: string; userName: string; weekday: number; fromMinute: number; toMinute: number };
export type RotaDto = {
  id: string;
  name: string;
  groupId: string;
  groupName: string;
  timeZone: string;
  createdAt: Date;
  shifts: RotaShiftDto[];
  /** Who `on-duty:<name>` would reach now. */
  onDutyNow: { id: string; name: string }[];
};

async function whoIsOnDuty(db: Db, name: string, now: Date): Promise<string[]> {
  try {
    return await onDuty(db, name, now);
  } catch (error) {
    if (error instanceof DomainError && error.code === "conflict") return [];
    throw error;
  }
}

/** Every rota with its shifts, by name; `rotaId` for one. */
export async function listRotas(db: Db, options: { rotaId?: string; now?: Date } = {}): Promise<RotaDto[]> {
  const now = options.now ?? new Date();
  const rows = await db
    .select({ id: rotas.id, name: rotas.name, groupId: rotas.groupId, groupName: groups.name, timeZone: rotas.timeZone, createdAt: rotas.createdAt })
    .from(rotas)
    .innerJoin(groups, eq(groups.id, rotas.groupId))
    .where(options.rotaId ? eq(rotas.id, options.rotaId) : undefined)
    .orderBy(asc(rotas.name));
  if (rows.length === 0) return [];
  const shifts = await db
    .select({
      id: rotaShifts.id,
      rotaId: rotaShifts.rotaId,
      userId: rotaShifts.userId,
      userName: users.name,
      weekday: rotaShifts.weekday,
      fromMinute: rotaShifts.fromMinute,
      toMinute: rotaShifts.toMinute,
    })
    .from(rotaShifts)
    .innerJoin(users, eq(users.id, rotaShifts.userId))
    .where(inArray(rotaShifts.rotaId, rows.map((r) => r.id)))
    .orderBy(asc(users.name), asc(rotaShifts.weekday), asc(rotaShifts.fromMinute));
  const names = new Map(shifts.map((s) => [s.userId, s.userName]));
  return Promise.all(
    rows.map(async (rota) => ({
      ...rota,
      shifts: shifts.filter((s) => s.rotaId === rota.id).map(({ rotaId: _, ...shift }) => shift),
      onDutyNow: (await whoIsOnDuty(db, rota.name, now)).map((id) => ({ id, name: names.get(id) ?? id })).sort((a, b) => a.name.localeCompare(b.name)),
    })),
  );
}

export async function getRota(db: Db, rotaId: string, now?: Date): Promise<RotaDto> {
  const [rota] = await listRotas(db, { rotaId, now });
  if (!rota) throw new DomainError("not_found", "No such rota");
  return rota;
}

/** The people a rota may put on duty: active members of its group. */
export async function rotaCandidates(db: Db, rotaId: string): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: users.id, name: users.name })
    .from(rotas)
    .innerJoin(groupMembers, eq(groupMembers.groupId, rotas.groupId))
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(and(eq(rotas.id, rotaId), isNull(users.deactivatedAt)))
    .orderBy(asc(users.name));
}

export async function createRota(db: Db, actor: Actor, input: { name: string; groupId: string; timeZone: string }): Promise<{ id: string }> {
  if (!ROTA_NAME_PATTERN.test(input.name)) {
    throw new DomainError("invalid", "Lower-case letters, digits and - only", { name: "Lower-case letters, digits and - only" });
  }
  if (!isTimeZone(input.timeZone)) throw new DomainError("invalid", "Not a known time zone", { timeZone: "Not a known time zone" });
  return db.transaction(async (tx) => {
    const [group] = await tx.select({ id: groups.id }).from(groups).where(eq(groups.id, input.groupId));
    if (!group) throw new DomainError("invalid", "No such group", { groupId: "No such group" });
    const [row] = await tx.insert(rotas).values(input).onConflictDoNothing({ target: rotas.name }).returning({ id: rotas.id });
    if (!row) throw new DomainError("conflict", `There is a rota named ${input.name} already`, { name: "This name is taken" });
    await writeAudit(tx, actor, { action: "rota.create", targetType: "rota", targetId: row.id, after: input });
    return row;
  });
}

export async function deleteRota(db: Db, actor: Actor, rotaId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.delete(rotas).where(eq(rotas.id, rotaId)).returning({ name: rotas.name });
    if (!row) throw new DomainError("not_found", "No such rota");
    await writeAudit(tx, actor, { action: "rota.delete", targetType: "rota", targetId: rotaId, before: { name: row.name } });
  });
}

export type ShiftInput = { userId: string; weekday: number; fromMinute: number; toMinute: number };

/** Adds weekly windows for members of the rota's group (a night shift is two windows). */
export async function addShifts(db: Db, actor: Actor, rotaId: string, shifts: ShiftInput[]): Promise<void> {
  await db.transaction(async (tx) => {
    const [rota] = await tx.select().from(rotas).where(eq(rotas.id, rotaId)).for("update");
    if (!rota) throw new DomainError("not_found", "No such rota");
    const userIds = [...new Set(shifts.map((s) => s.userId))];
    const members = await tx
      .select({ userId: groupMembers.userId })
      .from(groupMembers)
      .where(and(eq(groupMembers.groupId, rota.groupId), inArray(groupMembers.userId, userIds)));
    if (members.length !== userIds.length) {
      throw new DomainError("invalid", "Only members of the rota's group can be on it", { userId: "Only members of the rota's group can be on it" });
    }
    const [count] = await tx.select({ n: sql<number>`count(*)::int` }).from(rotaShifts).where(eq(rotaShifts.rotaId, rotaId));
    if ((count?.n ?? 0) + shifts.length > MAX_SHIFTS_PER_ROTA) {
      throw new DomainError("invalid", `A rota has at most ${MAX_SHIFTS_PER_ROTA} shifts`);
    }
    await tx.insert(rotaShifts).values(shifts.map((s) => ({ ...s, rotaId })));
    await writeAudit(tx, actor, { action: "rota.shifts.add", targetType: "rota", targetId: rotaId, after: shifts });
  });
}

/** Removes shifts of one rota (a person's "every day" is seven of them). */
export async function removeShifts(db: Db, actor: Actor, rotaId: string, shiftIds: string[]): Promise<void> {
  await db.transaction(async (tx) => {
    const rows = await tx
      .delete(rotaShifts)
      .where(and(eq(rotaShifts.rotaId, rotaId), inArray(rotaShifts.id, shiftIds)))
      .returning();
    if (rows.length !== new Set(shiftIds).size) throw new DomainError("not_found", "No such shift");
    await writeAudit(tx, actor, {
      action: "rota.shifts.remove",
      targetType: "rota",
      targetId: rotaId,
      before: rows.map((row) => ({ userId: row.userId, weekday: row.weekday, fromMinute: row.fromMinute, toMinute: row.toMinute })),
    });
  });
}
