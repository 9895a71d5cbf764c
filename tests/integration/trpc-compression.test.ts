import { randomUUID } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chats } from "~/db/schema";
import { GZIP_MIN_BYTES } from "~/server/http/compress";
import { sendMessage } from "~/server/services/message/send";
import { findActor } from "~/server/services/users";
import { TEST_ORIGIN, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";
import { serveTrpc } from "../factories/trpc-http";

describe("tRPC answers over HTTP are gzipped, as Next did, when asked for and worth it", () => {
  let world: TestWorld;
  let server: Awaited<ReturnType<typeof serveTrpc>>;
  let cookie: string;
  let companyId: string;

  beforeAll(async () => {
    world = await createTestWorld();
    const ids = await createPersonas(world.database.db);
    server = await serveTrpc({ deps: world.deps, auth: world.auth, publicUrl: TEST_ORIGIN });
    cookie = await signIn(world.auth, "pia");
    const [company] = await world.database.db.select({ id: chats.id }).from(chats).where(eq(chats.kind, "company"));
    companyId = company!.id;
    const pia = (await findActor(world.database.db, ids.picker.id))!;
    for (let i = 0; i < 40; i++) {
      await sendMessage(world.deps, pia, { chatId: companyId, clientId: `c-${randomUUID()}`, body: `Pallet ${i} is at dock ${i % 6}, wrapped and labelled` });
    }
  });
  afterAll(async () => {
    await server.close();
    await world.close();
  });

  const list = (input: object, acceptEncoding?: string) =>
    server.call(`message.list?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, {
      headers: { cookie, ...(acceptEncoding ? { "accept-encoding": acceptEncoding } : {}) },
    });
  const bytes = async (response: Response) => Buffer.from(await response.arrayBuffer());

  it("gzips a large answer for a client that accepts gzip, sends it plain to one that does not, and both decode to the same JSON", async () => {
    const plain = await list({ chatId: companyId, limit: 40 });
    const zipped = await list({ chatId: companyId, limit: 40 }, "gzip, deflate, br");

    expect(plain.status).toBe(200);
    expect(zipped.status).toBe(200);
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(zipped.headers.get("content-encoding")).toBe("gzip");
    for (const response of [plain, zipped]) expect(response.headers.get("vary")).toMatch(/\baccept-encoding\b/i);

    const plainBody = await bytes(plain);
    const zippedBody = await bytes(zipped);
    expect(plainBody.length).toBeGreaterThan(GZIP_MIN_BYTES);
    expect(Number(zipped.headers.get("content-length"))).toBe(zippedBody.length);
    expect(zippedBody.length).toBeLessThan(plainBody.length);
    const decoded = JSON.parse(gunzipSync(zippedBody).toString("utf8")) as { result: { data: { json: { messages: unknown[] } } } };
    expect(decoded).toEqual(JSON.parse(plainBody.toString("utf8")));
    expect(decoded.result.data.json.messages).toHaveLength(40);
  });

  it("sends an answer under the threshold plain, even to a client that accepts gzip", async () => {
    const small = await list({ chatId: companyId, limit: 1 }, "gzip");
    expect(small.headers.get("content-encoding")).toBeNull();
    expect(small.headers.get("vary")).toMatch(/\baccept-encoding\b/i);
    expect((await bytes(small)).length).toBeLessThan(GZIP_MIN_BYTES);
  });
});
