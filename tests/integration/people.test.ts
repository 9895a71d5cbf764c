import { eq, inArray } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { groupMembers, groups, users } from "~/db/schema";
import { createUser } from "~/server/services/users";
import { PASSWORD, callerFor, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";
import { openStream, serveStream } from "../factories/stream";

type Caller = Awaited<ReturnType<typeof callerFor>>;
type Stream = Awaited<ReturnType<typeof openStream>>;
type Name = "alice" | "mark" | "pia" | "olaf" | "ned" | "nils" | "nina" | "nora";

/** A night crew that nobody else touches, so their last activity is only what a test sets. */
const CREW = [
  { username: "ned", name: "Ned Night" },
  { username: "nils", name: "Nils Night" },
  { username: "nina", name: "Nina Night" },
  { username: "nora", name: "Nora Night" },
] as const;

describe("people and presence (PRODUCT.md P1–P3)", () => {
  let world: TestWorld;
  let server: Awaited<ReturnType<typeof serveStream>>;
  const ids = {} as Record<Name, string>;
  const cookies = {} as Record<Name, string>;
  const callers = {} as Record<Name, Caller>;
  let companyId: string;
  let opened: Stream[] = [];

  const stream = async (who: Name): Promise<Stream> => {
    const s = await openStream(server.url, cookies[who]);
    opened.push(s);
    await s.next("ready");
    return s;
  };
  /** Presence is reported after the stream opens: wait until the user counts as online. */
  const waitOnline = (who: Name) =>
    vi.waitFor(async () => expect((await world.realtime.presence.onlineUserIds()).has(ids[who])).toBe(true));
  const names = (people: { name: string }[]) => people.map((p) => p.name);

  beforeAll(async () => {
    world = await createTestWorld();
    const db = world.database.db;
    const personas = await createPersonas(db);
    ids.alice = personas.admin.id;
    ids.mark = personas.manager.id;
    ids.pia = personas.picker.id;
    ids.olaf = personas.outsider.id;
    for (const member of CREW) ids[member.username] = (await createUser(db, "system", { ...member, role: "worker", password: PASSWORD })).id;
    for (const name of Object.keys(ids) as Name[]) {
      cookies[name] = await signIn(world.auth, name);
      callers[name] = await callerFor(world.deps, world.auth, cookies[name]);
    }
    companyId = (await callers.alice.chat.list())[0]!.id;
    server = await serveStream(world.auth, world.realtime.hub, world.deps);
  });
  beforeEach(async () => {
    await world.database.db.update(users).set({ status: "available", statusText: "" });
  });
  afterEach(async () => {
    for (const s of opened) s.close();
    opened = [];
    const mine = new Set(Object.values(ids));
    await vi.waitFor(async () => expect([...(await world.realtime.presence.onlineUserIds())].filter((id) => mine.has(id))).toEqual([]));
  });
  afterAll(async () => {
    await server?.close();
    await world?.close();
  });

  describe("P1 who is online", () => {
    it("lists people with a live stream first, then everyone by name", async () => {
      const personas = (list: { name: string }[]) => names(list).filter((n) => !n.endsWith(" Night"));
      expect(personas(await callers.alice.people.list({ sort: "name" }))).toEqual(["Alice Admin", "Mark Manager", "Olaf Outsider", "Pia Picker"]);
      await stream("pia");
      await stream("olaf");
      await waitOnline("pia");
      await waitOnline("olaf");
      const list = await callers.alice.people.list({ sort: "name" });
      expect(personas(list)).toEqual(["Olaf Outsider", "Pia Picker", "Alice Admin", "Mark Manager"]);
      expect(list.slice(0, 2).map((p) => p.online)).toEqual([true, true]);
      expect(list.slice(2).every((p) => !p.online)).toBe(true);
    });

    it("sorts by last activity, most recent first, after the people online", async () => {
      const db = world.database.db;
      const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);
      await db.update(users).set({ lastActiveAt: hoursAgo(1) }).where(eq(users.id, ids.nora));
      await db.update(users).set({ lastActiveAt: hoursAgo(2) }).where(eq(users.id, ids.nils));
      await db.update(users).set({ lastActiveAt: hoursAgo(3) }).where(eq(users.id, ids.nina));
      await db.update(users).set({ lastActiveAt: null }).where(eq(users.id, ids.ned));
      const crew = { query: "night" };
      expect(names(await callers.alice.people.list({ ...crew, sort: "activity" }))).toEqual(["Nora Night", "Nils Night", "Nina Night", "Ned Night"]);
      expect(names(await callers.alice.people.list({ ...crew, sort: "name" }))).toEqual(["Ned Night", "Nils Night", "Nina Night", "Nora Night"]);
      await stream("nina");
      await waitOnline("nina");
      expect(names(await callers.alice.people.list({ ...crew, sort: "activity" }))).toEqual(["Nina Night", "Nora Night", "Nils Night", "Ned Night"]);
      expect(names(await callers.alice.people.list({ ...crew, sort: "name" }))).toEqual(["Nina Night", "Ned Night", "Nils Night", "Nora Night"]);
    });
  });

  describe("P2 status", () => {
    it("shows an invisible user offline and available with no status text to others, and their real status to themselves", async () => {
      await callers.olaf.people.setStatus({ status: "invisible", statusText: "counting stock, quiet please" });
      await stream("olaf");
      await waitOnline("olaf");
      const self = await callers.olaf.people.get({ userId: ids.olaf });
      expect(self).toMatchObject({ online: true, status: "invisible", statusText: "counting stock, quiet please" });
      expect((await callers.olaf.people.list({ sort: "name" })).find((p) => p.id === ids.olaf)).toMatchObject({
        online: true,
        status: "invisible",
        statusText: "counting stock, quiet please",
      });
      expect((await callers.olaf.user.me()).status).toBe("invisible");

      const seen = { online: false, status: "available", statusText: "", lastActiveAt: null };
      for (const viewer of ["alice", "pia"] as const) {
        const list = await callers[viewer].people.list({ sort: "name" });
        expect(list.find((p) => p.id === ids.olaf)).toMatchObject(seen);
        expect(list.filter((p) => p.online).map((p) => p.id)).not.toContain(ids.olaf);
        expect(await callers[viewer].people.get({ userId: ids.olaf })).toMatchObject(seen);
      }
    });

    it("lets an invisible user still send messages", async () => {
      await callers.olaf.people.setStatus({ status: "invisible", statusText: "" });
      const sent = await callers.olaf.message.send({ chatId: companyId, clientId: "invisible-send-1", body: "still here, just quiet" });
      const page = await callers.pia.message.list({ chatId: companyId });
      expect(page.messages.find((m) => m.id === sent.id)).toMatchObject({ body: "still here, just quiet", sender: { id: ids.olaf } });
    });

    it("refuses status text over 100 characters with BAD_REQUEST and keeps the old status", async () => {
      await callers.pia.people.setStatus({ status: "busy", statusText: "x".repeat(100) });
      await expect(callers.pia.people.setStatus({ status: "away", statusText: "y".repeat(101) })).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
      expect(await callers.mark.people.get({ userId: ids.pia })).toMatchObject({ status: "busy", statusText: "x".repeat(100) });
    });

    it("sends a status change to other users' streams as a status event", async () => {
      const aliceStream = await stream("alice");
      const markStream = await stream("mark");
      await callers.pia.people.setStatus({ status: "busy", statusText: "loading truck 4" });
      for (const s of [aliceStream, markStream]) {
        const seen = await s.next("status", (e) => e.userId === ids.pia);
        expect(seen.event).toEqual({ type: "status", userId: ids.pia, status: "busy", statusText: "loading truck 4" });
      }
    });

    it("tells others an invisible user went offline (presence), not their status", async () => {
      const aliceStream = await stream("alice");
      const olafStream = await stream("olaf");
      await waitOnline("olaf");
      await callers.olaf.people.setStatus({ status: "invisible", statusText: "hiding" });
      const gone = await aliceStream.next("presence", (e) => e.changes.some((c) => c.userId === ids.olaf && !c.online));
      expect(gone.event.changes).toContainEqual({ userId: ids.olaf, online: false });
      const own = await olafStream.next("status", (e) => e.userId === ids.olaf);
      expect(own.event).toMatchObject({ status: "invisible", statusText: "hiding" });
      // A later status change of someone else reaches alice; by then olaf's would have too.
      await callers.pia.people.setStatus({ status: "away", statusText: "" });
      await aliceStream.next("status", (e) => e.userId === ids.pia);
      expect(aliceStream.all("status").filter((e) => e.event.userId === ids.olaf)).toEqual([]);
      expect(JSON.stringify(aliceStream.received)).not.toContain("hiding");
    });

    it("tells others a connected invisible user is back online (presence) with their new status when they become visible", async () => {
      await callers.olaf.people.setStatus({ status: "invisible", statusText: "" });
      const aliceStream = await stream("alice");
      await stream("olaf");
      await waitOnline("olaf");
      expect((await callers.alice.people.get({ userId: ids.olaf })).online).toBe(false);
      await callers.olaf.people.setStatus({ status: "busy", statusText: "back at the dock" });
      const back = await aliceStream.next("presence", (e) => e.changes.some((c) => c.userId === ids.olaf));
      expect(back.event.changes).toContainEqual({ userId: ids.olaf, online: true });
      // The status is published with the presence, in the same batch.
      const status = aliceStream.all("status").filter((e) => e.event.userId === ids.olaf);
      expect(status.map((e) => e.event)).toEqual([{ type: "status", userId: ids.olaf, status: "busy", statusText: "back at the dock" }]);
      expect(await callers.alice.people.get({ userId: ids.olaf })).toMatchObject({ online: true, status: "busy", statusText: "back at the dock" });
    });
  });

  describe("P3 user card", () => {
    it("gives name, role, groups and status", async () => {
      const db = world.database.db;
      const made = await db
        .insert(groups)
        .values([
          { name: "Warehouse North", kind: "site" },
          { name: "Day pickers", kind: "team" },
        ])
        .returning();
      await db.insert(groupMembers).values(made.map((g) => ({ groupId: g.id, userId: ids.pia })));
      await callers.pia.people.setStatus({ status: "away", statusText: "on a break until 10" });
      const card = await callers.mark.people.get({ userId: ids.pia });
      expect(card).toMatchObject({
        id: ids.pia,
        name: "Pia Picker",
        username: "pia",
        role: "worker",
        status: "away",
        statusText: "on a break until 10",
        groups: [
          { name: "Day pickers", kind: "team" },
          { name: "Warehouse North", kind: "site" },
        ],
      });
      await db.delete(groups).where(inArray(groups.id, made.map((g) => g.id)));
    });

    it("answers NOT_FOUND for someone who does not exist", async () => {
      await expect(callers.mark.people.get({ userId: "nobody" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    });
  });

  describe("groups", () => {
    it("lists every group by name to any signed-in worker (the room access picker), none to nobody", async () => {
      await world.database.db.insert(groups).values([
        { name: "Zulu shift", kind: "team" },
        { name: "Alpha yard", kind: "site" },
      ]);
      const listed = await callers.pia.group.list();
      const names = listed.map((g) => g.name);
      expect(names).toEqual(expect.arrayContaining(["Alpha yard", "Zulu shift"]));
      expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      expect(listed.find((g) => g.name === "Alpha yard")).toMatchObject({ kind: "site" });
      const anonymous = await callerFor(world.deps, world.auth, null);
      await expect(anonymous.group.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    });
  });
});
