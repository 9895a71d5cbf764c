import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import { groupMembers, groups, users, type UserStatus } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import type { Envelope } from "~/server/realtime/envelope";
import type { Deps } from "./deps";
import { STATUS_TEXT_MAX_LENGTH } from "~/contracts/limits";


type PersonRow = {
  id: string;
  name: string;
  username: string | null;
  role: "admin" | "manager" | "worker";
  status: UserStatus;
  statusText: string;
  lastActiveAt: Date | null;
};

/**
 * How one person looks to the viewer. Invisible people look offline to others and their
 * status stays theirs; they still chat.
 */
function asSeenBy(viewer: Actor, person: PersonRow, online: Set<string>) {
  const hidden = person.status === "invisible" && person.id !== viewer.id;
  return {
    id: person.id,
    name: person.name,
    username: person.username ?? "",
    role: person.role,
    online: !hidden && online.has(person.id),
    status: hidden ? ("available" as const) : person.status,
    statusText: hidden ? "" : person.statusText,
    lastActiveAt: hidden ? null : person.lastActiveAt,
  };
}

const personColumns = {
  id: users.id,
  name: users.name,
  username: users.username,
  role: users.role,
  status: users.status,
  statusText: users.statusText,
  lastActiveAt: users.lastActiveAt,
};

/** Everyone in the organisation: online first, then by name or by last activity. */
export async function listPeople(deps: Deps, actor: Actor, input: { sort: "name" | "activity"; query?: string }) {
  const search = input.query?.trim();
  const rows = await deps.db
    .select(personColumns)
    .from(users)
    .where(
      and(
        isNull(users.deactivatedAt),
        search ? sql`(${users.name} ilike ${`%${search}%`} or ${users.username} ilike ${`%${search}%`})` : undefined,
      ),
    )
    .orderBy(asc(sql`lower(${users.name})`));
  const online = await deps.presence.onlineUserIds();
  const people = rows.map((row) => asSeenBy(actor, row, online));
  const byActivity = (a: (typeof people)[number], b: (typeof people)[number]) =>
    (b.lastActiveAt?.getTime() ?? 0) - (a.lastActiveAt?.getTime() ?? 0);
  // Array.prototype.sort is stable, so ties keep the alphabetical order from the query.
  return people.sort((a, b) => Number(b.online) - Number(a.online) || (input.sort === "activity" ? byActivity(a, b) : 0));
}

/** A user card (PRODUCT.md P3): name, role, groups, status. */
export async function getPerson(deps: Deps, actor: Actor, userId: string) {
  const [row] = await deps.db
    .select(personColumns)
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deactivatedAt)));
  if (!row) throw new DomainError("not_found", "No such person");
  const memberOf = await deps.db
    .select({ id: groups.id, name: groups.name, kind: groups.kind })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(eq(groupMembers.userId, userId))
    .orderBy(asc(groups.name));
  return { ...asSeenBy(actor, row, await deps.presence.onlineUserIds()), groups: memberOf };
}

export async function setStatus(deps: Deps, actor: Actor, input: { status: UserStatus; statusText: string }) {
  const statusText = input.statusText.trim();
  if (statusText.length > STATUS_TEXT_MAX_LENGTH) {
    throw new DomainError("invalid", `At most ${STATUS_TEXT_MAX_LENGTH} characters`, { statusText: `At most ${STATUS_TEXT_MAX_LENGTH} characters` });
  }
  const [before] = await deps.db.select({ status: users.status }).from(users).where(eq(users.id, actor.id));
  await deps.db.update(users).set({ status: input.status, statusText }).where(eq(users.id, actor.id));
  const isOnline = (await deps.presence.onlineUserIds()).has(actor.id);
  const status = { type: "status" as const, userId: actor.id, status: input.status, statusText };
  const envelopes: Envelope[] = [];
  if (input.status === "invisible") {
    envelopes.push({ event: status, only: [actor.id] });
    if (before?.status !== "invisible") {
      envelopes.push({ event: { type: "presence", changes: [{ userId: actor.id, online: false }] }, except: actor.id });
    }
  } else {
    envelopes.push({ event: status });
    if (before?.status === "invisible" && isOnline) {
      envelopes.push({ event: { type: "presence", changes: [{ userId: actor.id, online: true }] }, except: actor.id });
    }
  }
  deps.realtime.publish(envelopes);
  return { status: input.status, statusText };
}

/** Every group, by name: organisation-wide knowledge (the room access picker needs them). */
export function listGroups(db: Db) {
  return db.select({ id: groups.id, name: groups.name, kind: groups.kind }).from(groups).orderBy(asc(groups.name));
}
