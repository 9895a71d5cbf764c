import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "~/server/domain-error";
import type * as Access from "~/server/services/access";
import type { Audience } from "~/server/services/access";
import { createRoom } from "~/server/services/chat/rooms";
import { sendMessage } from "~/server/services/message/send";
import { findActor } from "~/server/services/users";
import { createPersonas } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";
import { recordingResponse } from "../factories/stream";

/** Audience lookups of the chats in `stalled` wait until the test lets them go. */
const { stalled } = vi.hoisted(() => ({ stalled: new Map<string, Promise<void>>() }));
vi.mock("~/server/services/access", async (importOriginal) => {
  const access = await importOriginal<typeof Access>();
  return {
    ...access,
    chatAudience: async (...args: Parameters<typeof access.chatAudience>): Promise<Audience | null> => {
      await stalled.get(args[1]);
      return access.chatAudience(...args);
    },
  };
});


describe("routing live events", () => {
  let world: TestWorld;
  let pia: Actor;
  let mark: Actor;
  let clientSeq = 0;
  const send = (chatId: string, body: string) => sendMessage(world.deps, mark, { chatId, clientId: `routing-${++clientSeq}`, body });

  beforeAll(async () => {
    world = await createTestWorld();
    const personas = await createPersonas(world.database.db);
    pia = (await findActor(world.database.db, personas.picker.id))!;
    mark = (await findActor(world.database.db, personas.manager.id))!;
  });
  afterAll(() => world.close());

  it("a chat whose audience is still being looked up holds back its own events only", async () => {
    const slow = await createRoom(world.deps, mark, { title: "Slow lookup", visibility: "private", access: { userIds: [pia.id], groupIds: [] } });
    const fast = await createRoom(world.deps, mark, { title: "Quick lookup", visibility: "private", access: { userIds: [pia.id], groupIds: [] } });
    const recorded = recordingResponse();
    const remove = await world.realtime.hub.connect(pia.id, recorded.res, null);
    let letGo!: () => void;
    stalled.set(slow.id, new Promise((resolve) => (letGo = resolve)));
    // A change drops the cached audience, so the next message in the slow room looks it up.
    world.realtime.publish([{ chatId: slow.id, event: { type: "chat.changed", chatId: slow.id, reason: "renamed" } }]);
    await send(slow.id, "first in the slow room");
    await send(slow.id, "second in the slow room");
    await send(fast.id, "in the quick room");
    await vi.waitFor(() => expect(recorded.text()).toContain("in the quick room"), { timeout: 5_000 });
    expect(recorded.text()).not.toContain("slow room");
    stalled.delete(slow.id);
    letGo();
    await vi.waitFor(() => expect(recorded.text()).toContain("second in the slow room"), { timeout: 5_000 });
    // In the order they were sent.
    expect(recorded.text().indexOf("first in the slow room")).toBeLessThan(recorded.text().indexOf("second in the slow room"));
    remove();
  });

  it("routes by the audience the writer put in the envelope, without asking the database", async () => {
    const recorded = recordingResponse();
    const remove = await world.realtime.hub.connect(pia.id, recorded.res, null);
    // No such chat: a lookup would find nobody to deliver to.
    const chatId = randomUUID();
    stalled.set(chatId, new Promise(() => {}));
    world.realtime.publish([{ chatId, audience: [pia.id], event: { type: "chat.changed", chatId, reason: "renamed" } }]);
    await vi.waitFor(() => expect(recorded.text()).toContain(chatId), { timeout: 5_000 });
    stalled.delete(chatId);
    remove();
  });
});
