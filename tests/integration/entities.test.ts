import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, chatMembers, entities, settings } from "~/db/schema";
import { callerFor, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";

type Caller = Awaited<ReturnType<typeof callerFor>>;

describe("scan to chat: resolving codes and creating records (PRODUCT.md W1)", () => {
  let world: TestWorld;
  let manager: Caller;
  let picker: Caller;
  let pickerId: string;

  beforeAll(async () => {
    world = await createTestWorld();
    const db = world.database.db;
    const personas = await createPersonas(db);
    pickerId = personas.picker.id;
    manager = await callerFor(world.deps, world.auth, await signIn(world.auth, "mark"));
    picker = await callerFor(world.deps, world.auth, await signIn(world.auth, "pia"));
    await db.insert(entities).values([
      { type: "order", key: "SO-10007", title: "Nordic Foods AB · 3 lines", status: "picking" },
      // Same key as a location: the order pattern decides.
      { type: "location", key: "SO-10007", title: "Aisle that looks like an order" },
      { type: "location", key: "A-07-3", title: "Aisle 7, shelf 3" },
      { type: "pallet", key: "P-1", title: "Pallet one" },
      { type: "shipment", key: "P-1", title: "Shipment one" },
    ]);
  });
  afterAll(() => world.close());

  it("resolves a code by the default pattern (SO-<number> is an order) and opens the order's chat", async () => {
    const result = await picker.entity.resolve({ code: "SO-10007" });
    expect(result).toMatchObject({ outcome: "opened", record: { type: "order", key: "SO-10007", status: "picking" } });
    if (result.outcome !== "opened") throw new Error("not opened");
    expect(result.chat).toMatchObject({ kind: "entity", entity: { type: "order", key: "SO-10007" }, isMember: true });
    const [membership] = await world.database.db
      .select()
      .from(chatMembers)
      .where(and(eq(chatMembers.chatId, result.chat.id), eq(chatMembers.userId, pickerId)));
    expect(membership).toBeDefined();
  });

  it("resolves a code that matches no pattern by the one record with that exact key, of any type", async () => {
    const result = await picker.entity.resolve({ code: "A-07-3" });
    expect(result).toMatchObject({ outcome: "opened", record: { type: "location", key: "A-07-3", title: "Aisle 7, shelf 3" } });
  });

  it("resolves a code typed in lower case when exactly one key matches ignoring case", async () => {
    const result = await picker.entity.resolve({ code: "  a-07-3 " });
    expect(result).toMatchObject({ outcome: "opened", record: { type: "location", key: "A-07-3" } });
  });

  it("offers the choices when records of several types share the key", async () => {
    const result = await picker.entity.resolve({ code: "P-1" });
    expect(result).toEqual({
      outcome: "choose",
      code: "P-1",
      choices: [
        { type: "pallet", key: "P-1", title: "Pallet one", status: null },
        { type: "shipment", key: "P-1", title: "Shipment one", status: null },
      ],
    });
  });

  it("answers not found for an unknown code, with the pattern's type and whether the caller may create it", async () => {
    expect(await picker.entity.resolve({ code: "SO-99999" })).toEqual({
      outcome: "not_found",
      code: "SO-99999",
      suggestedType: "order",
      types: ["order", "location", "pallet", "shipment"],
      canCreate: false,
    });
    expect(await manager.entity.resolve({ code: "BIN-42" })).toMatchObject({ outcome: "not_found", code: "BIN-42", suggestedType: null, canCreate: true });
  });

  it("takes the key patterns from settings when an admin has set them", async () => {
    const db = world.database.db;
    await db.insert(settings).values({
      key: "entity_patterns",
      value: [
        { pattern: "^BIN-\\d+$", type: "location" },
        { pattern: "([unclosed", type: "broken" },
        { pattern: "^SO-\\d+$", type: "order" },
      ],
    });
    try {
      expect(await manager.entity.resolve({ code: "BIN-42" })).toMatchObject({ outcome: "not_found", suggestedType: "location" });
      expect(await manager.entity.resolve({ code: "SO-10007" })).toMatchObject({ outcome: "opened", record: { type: "order" } });
    } finally {
      await db.delete(settings).where(eq(settings.key, "entity_patterns"));
    }
  });

  it("refuses a worker creating a record, and creates nothing", async () => {
    await expect(picker.entity.create({ type: "order", key: "SO-99999" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await world.database.db.$count(entities, eq(entities.key, "SO-99999"))).toBe(0);
    expect((await picker.user.me()).can.createRecords).toBe(false);
  });

  it("lets a manager create a record (title defaulting to the key), opens its chat and audits it", async () => {
    expect((await manager.user.me()).can.createRecords).toBe(true);
    const made = await manager.entity.create({ type: "order", key: "SO-99999" });
    expect(made).toMatchObject({ created: true, record: { type: "order", key: "SO-99999", title: "SO-99999" } });
    expect(made.chat).toMatchObject({ kind: "entity", entity: { type: "order", key: "SO-99999" }, isMember: true });
    const [entry] = await world.database.db.select().from(auditLog).where(eq(auditLog.action, "entity.create"));
    expect(entry).toMatchObject({ actorKind: "user", targetType: "entity", after: { type: "order", key: "SO-99999" } });

    // Now it resolves like any other record, for anyone.
    expect(await picker.entity.resolve({ code: "SO-99999" })).toMatchObject({ outcome: "opened", chat: { id: made.chat.id } });

    // Creating it again (two people scanning the same new label) opens the same record.
    const again = await manager.entity.create({ type: "order", key: "SO-99999", title: "Another title" });
    expect(again).toMatchObject({ created: false, record: { title: "SO-99999" }, chat: { id: made.chat.id } });
  });

  it("keeps an edited title when creating", async () => {
    const made = await manager.entity.create({ type: "location", key: "BIN-7", title: "  Returns bin 7 " });
    expect(made.record).toEqual({ type: "location", key: "BIN-7", title: "Returns bin 7", status: null });
  });

  it("refuses an empty, an over-long or a control-character code with BAD_REQUEST", async () => {
    for (const code of ["", "   ", "X".repeat(101), "SO-1\u001d0007"]) {
      await expect(picker.entity.resolve({ code })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    await expect(manager.entity.create({ type: "order", key: "X".repeat(101) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(manager.entity.create({ type: "Not A Type", key: "SO-1" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await world.database.db.$count(entities, eq(entities.key, "SO-1"))).toBe(0);
  });

  it("answers UNAUTHORIZED to an anonymous caller", async () => {
    const anonymous = await callerFor(world.deps, world.auth, null);
    await expect(anonymous.entity.resolve({ code: "SO-10007" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
