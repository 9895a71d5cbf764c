import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatMembers, entities, pushRetries, pushSubscriptions, settings } from "~/db/schema";
import type { Actor } from "~/server/domain-error";
import { createApproval } from "~/server/services/approval/request";
import { PUSH_TTL_S, createPushNotifier } from "~/server/services/push";
import { subscribePush } from "~/server/services/push-subscriptions";
import { receiveSms } from "~/server/services/sms/inbound";
import { findActor } from "~/server/services/users";
import { callerFor, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";
import { makeCertificate, pushService } from "../factories/push-service";
import { openStream, serveStream } from "../factories/stream";

describe("Web Push (PRODUCT.md N1, N3; DESIGN.md invariants 5 and 7)", () => {
  let world: TestWorld;
  let service: Awaited<ReturnType<typeof pushService>>;
  let stream: Awaited<ReturnType<typeof serveStream>>;
  let tls: { key: Buffer; cert: Buffer };
  let callers: Record<"pia" | "mark" | "olaf" | "alice", Awaited<ReturnType<typeof callerFor>>>;
  let cookies: Record<"pia" | "mark", string>;
  let mark: Actor;
  let pia: Actor;
  let olaf: Actor;
  let endpoints: Record<"pia" | "mark" | "olaf", string>;
  let roomId: string;
  let otherRoomId: string;
  let seq = 0;

  const send = async (who: "pia" | "mark" | "olaf", chatId: string, body: string) => {
    const message = await callers[who].message.send({ chatId, clientId: `push-test-${++seq}`, body });
    await world.push.idle();
    return message;
  };

  beforeAll(async () => {
    tls = makeCertificate();
    service = await pushService(tls);
    world = await createTestWorld({ push: { ca: tls.cert } });
    const personas = await createPersonas(world.database.db);
    const db = world.database.db;
    mark = (await findActor(db, personas.manager.id))!;
    pia = (await findActor(db, personas.picker.id))!;
    olaf = (await findActor(db, personas.outsider.id))!;
    cookies = { pia: await signIn(world.auth, "pia"), mark: await signIn(world.auth, "mark") };
    callers = {
      pia: await callerFor(world.deps, world.auth, cookies.pia),
      mark: await callerFor(world.deps, world.auth, cookies.mark),
      olaf: await callerFor(world.deps, world.auth, await signIn(world.auth, "olaf")),
      alice: await callerFor(world.deps, world.auth, await signIn(world.auth, "alice")),
    };
    endpoints = { pia: "", mark: "", olaf: "" };
    for (const name of ["pia", "mark", "olaf"] as const) {
      const subscription = service.subscription(name);
      await callers[name].push.subscribe({ endpoint: subscription.endpoint, keys: subscription.keys, label: `${name}'s phone` });
      endpoints[name] = subscription.path;
    }
    // A private room of Mark's that Pia may read and has joined; Olaf is left in its member
    // list without access, as after losing it, to prove access is checked, not membership.
    const room = await callers.mark.chat.createRoom({ title: "Dock 4", visibility: "private", access: { userIds: [pia.id], groupIds: [] } });
    roomId = room.id;
    await callers.pia.chat.join({ chatId: roomId });
    await db.insert(chatMembers).values({ chatId: roomId, userId: olaf.id });
    otherRoomId = (await callers.mark.chat.createRoom({ title: "Yard", visibility: "public" })).id;
    stream = await serveStream(world.auth, world.realtime.hub, world.deps);
  });
  afterAll(async () => {
    await stream?.close();
    await world?.close();
    await service?.close();
  });

  it("delivers a new message encrypted to a reader's device: chat, title, sender and preview, signed with VAPID", async () => {
    const before = service.to(endpoints.pia).length;
    const message = await send("mark", roomId, "Pallet 7 is damaged,\n  please   check before loading. ".repeat(8));
    const [push] = service.to(endpoints.pia).slice(before);
    expect(service.problems).toEqual([]);
    expect(push!.payload).toEqual({
      chatId: roomId,
      title: "Dock 4",
      sender: "Mark Manager",
      body: expect.stringMatching(/^Pallet 7 is damaged, please check before loading\. Pallet 7.*…$/) as unknown,
      url: `/chats/${roomId}`,
      tag: `chat:${roomId}`,
    });
    expect(push!.payload.body!.length).toBeLessThanOrEqual(140);
    expect(push).toMatchObject({ ttl: String(24 * 3600), urgency: "normal", topic: roomId.replaceAll("-", "") });
    expect(push!.k).toBe((await callers.pia.push.vapidPublicKey()).publicKey);
    expect(message.chatId).toBe(roomId);
    const [device] = await callers.pia.push.devices();
    expect(device).toMatchObject({ label: "pia's phone", lastSuccessAt: expect.any(Date) as unknown });
  });

  it("notifies the SMS users of an inbound SMS, and no one without the sms permission", async () => {
    const before = { mark: service.to(endpoints.mark).length, pia: service.to(endpoints.pia).length };
    expect(await receiveSms(world.deps, { from: "+48600100777", body: "Gate code please", messageSid: "SM-push-0001" })).toBe("stored");
    await world.push.idle();
    const [push] = service.to(endpoints.mark).slice(before.mark);
    expect(push!.payload).toMatchObject({ title: "+48 600 100 777", sender: "+48 600 100 777", body: "Gate code please" });
    expect(service.to(endpoints.pia).length).toBe(before.pia);
  });

  it("never pushes a sender their own message", async () => {
    const before = service.to(endpoints.mark).length;
    await send("mark", roomId, "Mine");
    expect(service.to(endpoints.mark).length).toBe(before);
  });

  it("never pushes someone who cannot read the chat, even one left in its member list", async () => {
    const before = { olaf: service.to(endpoints.olaf).length, pia: service.to(endpoints.pia).length };
    await send("mark", roomId, "For Dock 4 only");
    expect(service.to(endpoints.pia).length).toBe(before.pia + 1);
    expect(service.to(endpoints.olaf).length).toBe(before.olaf);
  });

  it("does not push a member who muted the chat", async () => {
    await callers.pia.chat.setMuted({ chatId: roomId, muted: true });
    const before = service.to(endpoints.pia).length;
    await send("mark", roomId, "Quiet please");
    expect(service.to(endpoints.pia).length).toBe(before);
    await callers.pia.chat.setMuted({ chatId: roomId, muted: false });
  });

  it("does not push someone whose status is unavailable", async () => {
    await callers.pia.people.setStatus({ status: "unavailable", statusText: "" });
    const before = service.to(endpoints.pia).length;
    await send("mark", roomId, "Anyone?");
    expect(service.to(endpoints.pia).length).toBe(before);
    await callers.pia.people.setStatus({ status: "available", statusText: "" });
  });

  it("does not push someone looking at the chat on a visible page, picked or in a window docked beside it, but does when they look at another chat or hide it", async () => {
    const live = await openStream(stream.url, cookies.pia);
    const { connectionId } = (await live.next("hello")).event;
    expect(live.received[0]?.event.type).toBe("hello");
    const before = service.to(endpoints.pia).length;

    await callers.pia.stream.viewing({ connectionId, chatIds: [roomId] });
    await send("mark", roomId, "You see this already");
    expect(service.to(endpoints.pia).length).toBe(before);

    await callers.pia.stream.viewing({ connectionId, chatIds: [otherRoomId] });
    await send("mark", roomId, "You are elsewhere");
    expect(service.to(endpoints.pia).length).toBe(before + 1);

    // Another chat picked, this one in a docked window beside it: on screen all the same.
    await callers.pia.stream.viewing({ connectionId, chatIds: [otherRoomId, roomId] });
    await send("mark", roomId, "In your window");
    expect(service.to(endpoints.pia).length).toBe(before + 1);

    await callers.pia.stream.viewing({ connectionId, chatIds: [] });
    await send("mark", roomId, "Your page is hidden");
    expect(service.to(endpoints.pia).length).toBe(before + 2);

    // A page loaded before windows reports one chat, or null.
    await callers.pia.stream.viewing({ connectionId, chatId: roomId });
    await send("mark", roomId, "Seen on an older page");
    expect(service.to(endpoints.pia).length).toBe(before + 2);
    await callers.pia.stream.viewing({ connectionId, chatId: null });

    // Someone else cannot quiet Pia's notifications through her connection.
    await expect(callers.mark.stream.viewing({ connectionId, chatIds: [roomId] })).rejects.toMatchObject({ code: "NOT_FOUND" });
    live.close();
  });

  it("forgets a closed stream connection's view: its reports are refused and pushes resume", async () => {
    const live = await openStream(stream.url, cookies.pia);
    const { connectionId } = (await live.next("hello")).event;
    await callers.pia.stream.viewing({ connectionId, chatId: roomId });
    live.close();
    await expect
      .poll(() => callers.pia.stream.viewing({ connectionId, chatId: roomId }).then(() => "open", (error: { code: string }) => error.code))
      .toBe("NOT_FOUND");
    const before = service.to(endpoints.pia).length;
    await send("mark", roomId, "Stream closed");
    expect(service.to(endpoints.pia).length).toBe(before + 1);
  });

  it("leaves the message text out for someone who hides it in notifications", async () => {
    expect(await callers.pia.push.setHideText({ hideText: true })).toEqual({ hideText: true });
    expect(await callers.pia.push.settings()).toEqual({ hideText: true });
    const before = service.to(endpoints.pia).length;
    await send("mark", roomId, "Salary details");
    const [push] = service.to(endpoints.pia).slice(before);
    expect(push!.payload).toEqual({ chatId: roomId, title: "Dock 4", sender: "Mark Manager", url: `/chats/${roomId}`, tag: `chat:${roomId}` });
    await callers.pia.push.setHideText({ hideText: false });
  });

  it("pushes an approval request to its approvers with high urgency, and not to the other members", async () => {
    await world.database.db.insert(entities).values({ type: "order", key: "SO-PUSH", title: "Order for push" });
    const chat = await callers.olaf.chat.openForEntity({ type: "order", key: "SO-PUSH" });
    await send("olaf", chat.id, "Opening the record's chat");
    const before = { pia: service.to(endpoints.pia).length, olaf: service.to(endpoints.olaf).length };
    await createApproval(world.deps, mark, { record: { type: "order", key: "SO-PUSH" }, approvers: ["pia"], message: "Release the order?" });
    await world.push.idle();
    const [push] = service.to(endpoints.pia).slice(before.pia);
    expect(push).toMatchObject({ urgency: "high", topic: undefined, payload: { chatId: chat.id, title: "Order for push", sender: "Mark Manager", body: "Release the order?" } });
    expect(service.to(endpoints.olaf).length).toBe(before.olaf);
  });

  it("deletes a subscription the push service answers 410 Gone for", async () => {
    const gone = service.subscription("pia-old");
    const device = await callers.pia.push.subscribe({ endpoint: gone.endpoint, keys: gone.keys, label: "old tablet" });
    service.answer(gone.path, [410]);
    await send("mark", roomId, "Still there?");
    expect(service.to(gone.path)).toHaveLength(1);
    expect(await world.database.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, device.id))).toEqual([]);
    await send("mark", roomId, "Gone now");
    expect(service.to(gone.path)).toHaveLength(1);
  });

  it("retries a push the service failed with 5xx until it is accepted, without holding up the send", async () => {
    const flaky = service.subscription("pia-flaky");
    const device = await callers.pia.push.subscribe({ endpoint: flaky.endpoint, keys: flaky.keys, label: "flaky" });
    service.answer(flaky.path, [500, 503]);
    const message = await callers.mark.message.send({ chatId: roomId, clientId: `push-test-${++seq}`, body: "Try again" });
    expect(message.body).toBe("Try again");
    await world.push.idle();
    expect(service.to(flaky.path).map((r) => r.payload.body)).toEqual(["Try again", "Try again", "Try again"]);
    const [row] = await world.database.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, device.id));
    expect(row).toMatchObject({ failures: 0, lastSuccessAt: expect.any(Date) as unknown });
    await callers.pia.push.remove({ id: device.id });
  });

  it("keeps a push the service failed for now in the database, so another instance sends it after this one stopped", async () => {
    const message = await send("mark", roomId, "Survives a restart");
    const flaky = service.subscription("pia-restart");
    const device = await callers.pia.push.subscribe({ endpoint: flaky.endpoint, keys: flaky.keys, label: "restart" });
    const db = world.database.db;
    const notifier = (retryDelaysMs: number[]) =>
      createPushNotifier({ db, vapid: { keys: null, subject: "mailto:tests@floorchat.invalid" }, outbound: { allowLoopback: true }, viewing: world.realtime.viewing, retryDelaysMs, ca: tls.cert });
    const waiting = () => db.select().from(pushRetries).where(eq(pushRetries.subscriptionId, device.id));

    // The first instance's attempt fails for now; its retry is due in a minute, and it stops first.
    const before = notifier([60_000]);
    service.answer(flaky.path, [503]);
    before.notify({ message, onlyUserIds: [pia.id] });
    await expect.poll(async () => (await waiting()).length).toBe(1);
    await before.stop();
    const [queued] = await waiting();
    expect(queued).toMatchObject({ attempts: 1, urgency: "normal" });
    expect(queued!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 30_000);

    // A minute later another instance finds it and sends it, once, with what is left of its TTL.
    await db.update(pushRetries).set({ nextAttemptAt: new Date(), createdAt: new Date(Date.now() - 3600_000) }).where(eq(pushRetries.id, queued!.id));
    const after = notifier([60_000]);
    after.start();
    await after.idle();
    await after.stop();
    const received = service.to(flaky.path);
    expect(received.map((r) => r.payload.body)).toEqual(["Survives a restart", "Survives a restart"]);
    expect(Number(received[1]!.ttl)).toBeLessThanOrEqual(PUSH_TTL_S - 3600);
    expect(await waiting()).toEqual([]);
    const [row] = await db.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, device.id));
    expect(row).toMatchObject({ failures: 0, lastSuccessAt: expect.any(Date) as unknown });
    await callers.pia.push.remove({ id: device.id });
  });

  it("drops a retry older than the notification's TTL without sending it, and a removed device's retries with it", async () => {
    const flaky = service.subscription("pia-stale");
    const device = await callers.pia.push.subscribe({ endpoint: flaky.endpoint, keys: flaky.keys, label: "stale" });
    const db = world.database.db;
    const payload = JSON.stringify({ chatId: roomId, title: "Dock 4", sender: "Mark Manager", body: "Old news", url: `/chats/${roomId}`, tag: `chat:${roomId}` });
    await db.insert(pushRetries).values({ subscriptionId: device.id, payload, urgency: "normal", attempts: 1, nextAttemptAt: new Date(), createdAt: new Date(Date.now() - (PUSH_TTL_S + 60) * 1000) });
    const runner = createPushNotifier({ db, vapid: { keys: null, subject: "mailto:tests@floorchat.invalid" }, outbound: { allowLoopback: true }, viewing: world.realtime.viewing, ca: tls.cert });
    runner.start();
    await runner.idle();
    await runner.stop();
    expect(service.to(flaky.path)).toEqual([]);

    await db.insert(pushRetries).values({ subscriptionId: device.id, payload, urgency: "normal", attempts: 1, nextAttemptAt: new Date(Date.now() + 60_000) });
    await callers.pia.push.remove({ id: device.id });
    expect(await db.select().from(pushRetries).where(eq(pushRetries.subscriptionId, device.id))).toEqual([]);
  });

  it("refuses http and private-address endpoints at subscribe, and loopback unless the policy allows it", async () => {
    const keys = service.subscription("refused").keys;
    for (const endpoint of ["http://127.0.0.1:9/push", "https://10.0.0.1/push", "https://169.254.169.254/push", "https://[fe80::1]/push", "not a url"]) {
      await expect(callers.pia.push.subscribe({ endpoint, keys, label: "" }), endpoint).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    await expect(subscribePush(world.deps.db, pia, { endpoint: "https://127.0.0.1:9/push", keys, label: "" }, { allowLoopback: false })).rejects.toMatchObject({
      code: "invalid",
      fields: { endpoint: expect.stringMatching(/private, loopback/) as unknown },
    });
    await expect(callers.pia.push.subscribe({ endpoint: "https://127.0.0.1:9/push", keys: { p256dh: "short", auth: keys.auth }, label: "" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("moves an endpoint subscribed again to the person now signed in; people remove only their own devices", async () => {
    const shared = service.subscription("shared-tablet");
    const first = await callers.pia.push.subscribe({ endpoint: shared.endpoint, keys: shared.keys, label: "tablet" });
    await expect(callers.olaf.push.remove({ id: first.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await callers.olaf.push.unsubscribe({ endpoint: shared.endpoint })).toEqual({ removed: false });
    const moved = await callers.olaf.push.subscribe({ endpoint: shared.endpoint, keys: shared.keys, label: "tablet" });
    expect(moved.id).toBe(first.id);
    expect((await callers.pia.push.devices()).map((d) => d.endpoint)).not.toContain(shared.endpoint);
    expect((await callers.olaf.push.devices()).map((d) => d.endpoint)).toContain(shared.endpoint);
    expect(await callers.olaf.push.unsubscribe({ endpoint: shared.endpoint })).toEqual({ removed: true });
    expect((await callers.olaf.push.devices()).map((d) => d.endpoint)).not.toContain(shared.endpoint);
  });

  it("puts a rotated subscription in the old one's place with its name, so pushes reach the device at its new endpoint; another person's old endpoint stays theirs", async () => {
    const before = service.subscription("pia-before-rotation");
    const after = service.subscription("pia-after-rotation");
    await callers.pia.push.subscribe({ endpoint: before.endpoint, keys: before.keys, label: "Chrome · Android" });
    const rotated = await callers.pia.push.resubscribe({ oldEndpoint: before.endpoint, subscription: { endpoint: after.endpoint, keys: after.keys } });
    expect(rotated).toMatchObject({ endpoint: after.endpoint, label: "Chrome · Android" });
    const devices = (await callers.pia.push.devices()).map((d) => d.endpoint);
    expect(devices).toContain(after.endpoint);
    expect(devices).not.toContain(before.endpoint);
    await send("mark", roomId, "To the new endpoint");
    expect(service.to(after.path).map((r) => r.payload.body)).toEqual(["To the new endpoint"]);
    expect(service.to(before.path)).toHaveLength(0);

    // Naming someone else's endpoint as the old one removes nothing of theirs; an unsafe new one is refused.
    const marks = service.subscription("mark-tablet");
    await callers.mark.push.subscribe({ endpoint: marks.endpoint, keys: marks.keys, label: "tablet" });
    const third = service.subscription("pia-third");
    await callers.pia.push.resubscribe({ oldEndpoint: marks.endpoint, subscription: { endpoint: third.endpoint, keys: third.keys } });
    expect((await callers.mark.push.devices()).map((d) => d.endpoint)).toContain(marks.endpoint);
    await expect(callers.pia.push.resubscribe({ oldEndpoint: after.endpoint, subscription: { endpoint: "https://10.0.0.1/push", keys: after.keys } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect((await callers.pia.push.devices()).map((d) => d.endpoint)).toContain(after.endpoint);
    for (const device of await callers.pia.push.devices()) if ([after.endpoint, third.endpoint].includes(device.endpoint)) await callers.pia.push.remove({ id: device.id });
    for (const device of await callers.mark.push.devices()) if (device.endpoint === marks.endpoint) await callers.mark.push.remove({ id: device.id });
  });

  it("generates the VAPID key pair once and reuses it after a restart on the same database; configured keys win", async () => {
    const { publicKey } = await callers.pia.push.vapidPublicKey();
    const restarted = createPushNotifier({ db: world.database.db, vapid: { keys: null, subject: "mailto:tests@floorchat.invalid" }, outbound: { allowLoopback: true }, viewing: world.realtime.viewing });
    expect(await restarted.publicKey()).toBe(publicKey);
    await restarted.stop();
    expect(await world.database.db.$count(settings, eq(settings.key, "vapid"))).toBe(1);
    const configured = { publicKey: "B".repeat(87), privateKey: "p".repeat(43) };
    const fromEnv = createPushNotifier({ db: world.database.db, vapid: { keys: configured, subject: "mailto:tests@floorchat.invalid" }, outbound: { allowLoopback: true }, viewing: world.realtime.viewing });
    expect(await fromEnv.publicKey()).toBe(configured.publicKey);
    await fromEnv.stop();
    // Every push so far was signed with the one stored key.
    expect(new Set(service.received.map((r) => r.k))).toEqual(new Set([publicKey]));
  });
});
