import { eq } from "drizzle-orm";
import type { Db, Tx } from "~/db/client";
import { type Role, settings } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";

/** Per-role permissions (PRODUCT.md A1). Admins may override the defaults in settings. */
export type Permission = "useChat" | "createRooms" | "moderateMessages" | "createRecords";

export const DEFAULT_PERMISSIONS: Record<Role, Record<Permission, boolean>> = {
  admin: { useChat: true, createRooms: true, moderateMessages: true, createRecords: true },
  manager: { useChat: true, createRooms: true, moderateMessages: true, createRecords: true },
  worker: { useChat: true, createRooms: false, moderateMessages: false, createRecords: false },
};

export async function hasPermission(db: Db | Tx, actor: Actor, permission: Permission): Promise<boolean> {
  if (actor.role === "admin") return true;
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, "permissions"));
  // Only an own boolean counts: an inherited or odd value (a polluted prototype, a hand-edited
  // settings row) must never grant a right.
  const override = ownValue(ownValue(row?.value, actor.role), permission);
  return typeof override === "boolean" ? override : DEFAULT_PERMISSIONS[actor.role][permission];
}

function ownValue(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

export async function assertPermission(db: Db | Tx, actor: Actor, permission: Permission, message: string): Promise<void> {
  if (!(await hasPermission(db, actor, permission))) throw new DomainError("forbidden", message);
}
