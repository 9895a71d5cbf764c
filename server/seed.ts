import { randomUUID } from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import { count } from "drizzle-orm";
import { DEFAULT_QUICK_REPLIES } from "~/server/services/manager";
import { randomPassword } from "~/server/services/set-password";
import { createUser, placeholderEmail } from "~/server/services/users";
import type { Db } from "~/db/client";
import { accounts, entities, groupMembers, groups, quickReplies, rotaShifts, rotas, settings, smsContacts, users, type GroupKind, type Role } from "~/db/schema";

export const DEMO_PASSWORD = "floorchat";

export const DEMO_USERS: { username: string; name: string; role: Role; groups: string[] }[] = [
  { username: "admin", name: "Ada Admin", role: "admin", groups: ["Managers", "Acme Logistics"] },
  { username: "manager", name: "Marta Manager", role: "manager", groups: ["Managers", "Warehouse A", "Acme Logistics"] },
  { username: "manager2", name: "Tomasz Nowak", role: "manager", groups: ["Managers", "Acme Logistics"] },
  { username: "picker", name: "Piotr Picker", role: "worker", groups: ["Warehouse A", "Acme Logistics"] },
  { username: "picker2", name: "Paula Picker", role: "worker", groups: ["Warehouse A", "Acme Logistics"] },
  { username: "driver", name: "Dawid Driver", role: "worker", groups: ["Drivers", "Acme Logistics"] },
];

const DEMO_GROUPS: { name: string; kind: GroupKind }[] = [
  { name: "Warehouse A", kind: "team" },
  { name: "Managers", kind: "team" },
  { name: "Drivers", kind: "team" },
  { name: "Acme Logistics", kind: "company" },
];

export const ORDER_STATUSES = ["new", "picking", "packed", "shipped", "on hold"] as const;
const CUSTOMERS = [
  "Nordic Foods AB",
  "Baltic Hardware",
  "Kowalski i Synowie",
  "Green Garden Supply",
  "Hansa Office",
  "Vistula Pharma",
  "Alpine Sports",
  "Mazury Furniture",
  "Rhein Auto Parts",
  "Oder Textiles",
];
const ORDER_COUNT = 300;

/** A small deterministic generator, so every fresh demo database looks the same. */
function* sequence(seed: number) {
  let state = seed;
  for (;;) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    yield state;
  }
}

export function demoOrders() {
  const random = sequence(42);
  return Array.from({ length: ORDER_COUNT }, (_, index) => {
    const key = `SO-${10001 + index}`;
    const customer = CUSTOMERS[random.next().value! % CUSTOMERS.length]!;
    const lines = 1 + (random.next().value! % 24);
    const status = ORDER_STATUSES[random.next().value! % ORDER_STATUSES.length]!;
    return {
      type: "order",
      key,
      title: `${customer} · ${lines} ${lines === 1 ? "line" : "lines"}`,
      status,
      url: `https://erp.example.com/orders/${key}`,
      fields: { customer, lines, dock: `D${1 + (index % 6)}` },
    };
  });
}

export type SeedResult = "seeded" | "skipped";

/**
 * Demo organisation, people, groups and orders, written in one transaction so a crash never
 * leaves a half-seeded database. Runs only on a database without users.
 */
async function hasUsers(db: Db): Promise<boolean> {
  const [existing] = await db.select({ n: count() }).from(users);
  return (existing?.n ?? 0) > 0;
}

export async function seedDemo(db: Db): Promise<SeedResult> {
  if (await hasUsers(db)) return "skipped";
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  await db.transaction(async (tx) => {
    await tx.insert(settings).values([
      { key: "organisation", value: { name: "Acme Logistics — Warehouse A" } },
      { key: "demo", value: { seededAt: new Date().toISOString(), usernames: DEMO_USERS.map((u) => u.username) } },
    ]);
    const groupRows = await tx.insert(groups).values(DEMO_GROUPS).returning({ id: groups.id, name: groups.name });
    const groupId = new Map(groupRows.map((g) => [g.name, g.id]));
    const userId = new Map<string, string>();
    for (const demo of DEMO_USERS) {
      const id = randomUUID();
      userId.set(demo.username, id);
      await tx.insert(users).values({
        id,
        username: demo.username,
        displayUsername: demo.username,
        name: demo.name,
        email: placeholderEmail(demo.username),
        emailVerified: true,
        role: demo.role,
        // Admins are warned (banner, start-up log) until each of these passwords is changed.
        demoPassword: true,
      });
      await tx.insert(accounts).values({ id: randomUUID(), accountId: id, providerId: "credential", userId: id, password: passwordHash });
      await tx.insert(groupMembers).values(demo.groups.map((name) => ({ groupId: groupId.get(name)!, userId: id })));
    }
    const orders = await tx.insert(entities).values(demoOrders()).returning({ id: entities.id, key: entities.key });
    // SMS contacts (PRODUCT.md C6): a driver without the app, a worker's verified phone, a
    // record's customer, and a number that wrote in once (unverified: not listed).
    await tx.insert(smsContacts).values([
      { name: "Marek Driver", phone: "+48600100200", verified: true },
      { name: "Dawid Driver", phone: "+48600100201", verified: true, userId: userId.get("driver")! },
      { name: "Customer of SO-10001", phone: "+48600100202", verified: false, entityId: orders.find((o) => o.key === "SO-10001")!.id },
      { name: "+48 600 100 203", phone: "+48600100203", verified: false },
    ]);
    await tx.insert(quickReplies).values(DEFAULT_QUICK_REPLIES.map((body, position) => ({ body, position })));
    // `on-duty:helpdesk` in the API reaches both managers at any hour (C5 help-desk routing).
    const [helpdesk] = await tx.insert(rotas).values({ name: "helpdesk", groupId: groupId.get("Managers")!, timeZone: "Europe/Warsaw" }).returning({ id: rotas.id });
    await tx.insert(rotaShifts).values(
      ["manager", "manager2"].flatMap((username) =>
        Array.from({ length: 7 }, (_, weekday) => ({ rotaId: helpdesk!.id, userId: userId.get(username)!, weekday, fromMinute: 0, toMinute: 24 * 60 })),
      ),
    );
  });
  return "seeded";
}

/**
 * A first start without demo data (SEED_DEMO=0, or PostgreSQL by default) creates one admin with
 * a random password, so nobody can sign in with a password that is written down anywhere.
 * Returns that password to print once, or null when the database already has people.
 */
export async function seedAdmin(db: Db): Promise<{ username: string; password: string } | null> {
  if (await hasUsers(db)) return null;
  const password = randomPassword();
  try {
    await createUser(db, "system", { username: "admin", name: "Admin", role: "admin", password });
  } catch (error) {
    // Another instance starting on the same empty database created it first, and prints its password.
    if (await hasUsers(db)) return null;
    throw error;
  }
  return { username: "admin", password };
}
