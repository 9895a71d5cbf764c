import { type SQL, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "~/db/client";
import { type Role, settings } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";

/** Per-role permissions (PRODUCT.md A1). Admins may override the defaults in settings. */
export type Permission = "useChat" | "createRooms" | "moderateMessages" | "createRecords" | "sms";

export const DEFAULT_PERMISSIONS: Record<Role, Record<Permission, boolean>> = {
  admin: { useChat: true, createRooms: true, moderateMessages: true, createRecords: true, sms: true },
  manager: { useChat: true, createRooms: true, moderateMessages: true, createRecords: true, sms: true },
  worker: { useChat: true, createRooms: false, moderateMessages: false, createRecords: false, sms: false },
};

/**
 * The rights of an actor that came from the session cache (server/auth-cache.ts), read once
 * when its session was resolved, so checks on it cost no query; the cache drops the actor when
 * the permissions change.
 */
const known = new WeakMap<Actor, Record<Permission, boolean>>();

async function readPermissions(db: Db | Tx, role: Role): Promise<Record<Permission, boolean>> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, "permissions"));
  // Only an own boolean counts: an inherited or odd value (a polluted prototype, a hand-edited
  // settings row) must never grant a right.
  const overrides = ownValue(row?.value, role);
  const resolved = { ...DEFAULT_PERMISSIONS[role] };
  for (const permission of Object.keys(resolved) as Permission[]) {
    const override = ownValue(overrides, permission);
    if (typeof override === "boolean") resolved[permission] = override;
  }
  return resolved;
}

/** Reads the actor's rights now and keeps them with the actor object (the session cache's). */
export async function loadPermissions(db: Db | Tx, actor: Actor): Promise<void> {
  if (actor.role !== "admin") known.set(actor, await readPermissions(db, actor.role));
}

export async function hasPermission(db: Db | Tx, actor: Actor, permission: Permission): Promise<boolean> {
  if (actor.role === "admin") return true;
  return (known.get(actor) ?? (await readPermissions(db, actor.role)))[permission];
}

function ownValue(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

export async function assertPermission(db: Db | Tx, actor: Actor, permission: Permission, message: string): Promise<void> {
  if (!(await hasPermission(db, actor, permission))) throw new DomainError("forbidden", message);
}

/**
 * hasPermission for a role held in SQL (a users row), so a list of everyone with a right is one
 * query: admins always, else an own boolean in the settings overrides the role's default.
 */
export function roleHasPermission(role: SQL, permission: Permission): SQL {
  const value = sql`(s.value -> ${role}::text -> ${permission}::text)`;
  const defaults = sql.join(
    (Object.keys(DEFAULT_PERMISSIONS) as Role[]).map((r) => sql`when ${r} then ${DEFAULT_PERMISSIONS[r][permission]}::boolean`),
    sql` `,
  );
  return sql`(${role}::text = 'admin' or coalesce(
    (select case when jsonb_typeof(${value}) = 'boolean' then (${value})::text::boolean end from settings s where s.key = 'permissions'),
    case ${role}::text ${defaults} else false end
  ))`;
}
