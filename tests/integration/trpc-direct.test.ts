import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messages } from "~/db/schema";
import { MAX_BODY_BYTES } from "~/server/http/body";
import type { Deps } from "~/server/services/deps";
import { TEST_ORIGIN, createPersonas, signIn } from "../factories/auth";
import { type TestWorld, createTestWorld } from "../factories/deps";
import { type HttpCall, chunkedBody, serveTrpc } from "../factories/trpc-http";

type Server = Awaited<ReturnType<typeof serveTrpc>>;

/** What a client can see of an answer. */
async function seen(response: Response) {
  return { status: response.status, type: response.headers.get("content-type"), vary: response.headers.get("vary"), body: await response.text() };
}

/**
 * `POST /api/trpc/message.send` alone is answered without tRPC's Fetch adapter (server/api/http.ts,
 * DIRECT_PATHS). Every answer must be the one tRPC's own handler gives: the same request goes to
 * a server with the direct path and to one without it, and the two answers are compared.
 */
describe("message.send answered directly: the same answers as tRPC's handler", () => {
  let world: TestWorld;
  let direct: Server;
  let reference: Server;
  let pia: string;
  let olaf: string;
  let companyId: string;
  let privateChatId: string;
  let n = 0;
  const clientId = () => `direct-${++n}-${Math.random().toString(36).slice(2, 10)}`;

  const post = (server: Server, body: HttpCall["body"], headers: Record<string, string> = {}) =>
    server.call("message.send", { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

  /** The same request to both servers (a streamed body is made twice). */
  const both = async (body: () => HttpCall["body"], headers: Record<string, string> = {}) => {
    const a = await seen(await post(direct, body(), headers));
    const b = await seen(await post(reference, body(), headers));
    return { direct: a, reference: b };
  };

  beforeAll(async () => {
    world = await createTestWorld();
    // No rate limit: both servers share the deps, and the order of the calls must not matter.
    const deps: Deps = { ...world.deps, mutationLimiter: { take: () => true }, sendLimiter: { take: () => true } };
    direct = await serveTrpc({ deps, auth: world.auth, publicUrl: TEST_ORIGIN });
    reference = await serveTrpc({ deps, auth: world.auth, publicUrl: TEST_ORIGIN, directPaths: new Set() });
    await createPersonas(world.database.db);
    pia = await signIn(world.auth, "pia");
    olaf = await signIn(world.auth, "olaf");
    const list = (await (await direct.call("chat.list", { headers: { cookie: pia } })).json()) as { result: { data: { json: { id: string }[] } } };
    companyId = list.result.data.json[0]!.id;
    const mark = await world.database.db.query.users.findFirst({ where: (u, { eq }) => eq(u.username, "mark") });
    const opened = await direct.call("chat.openDirect", {
      method: "POST",
      headers: { cookie: pia, "content-type": "application/json" },
      body: JSON.stringify({ json: { userIds: [mark!.id] } }),
    });
    privateChatId = ((await opened.json()) as { result: { data: { json: { id: string } } } }).result.data.json.id;
    expect(privateChatId).toBeTruthy();
  });
  afterAll(async () => {
    await direct?.close();
    await reference?.close();
    await world?.close();
  });

  it("sends once and answers the stored message, as tRPC does; a retry answers the original", async () => {
    const id = clientId();
    const body = () => JSON.stringify({ json: { chatId: companyId, clientId: id, body: "Dock 4 is free" } });
    const before = await world.database.db.$count(messages);
    const firstResponse = await post(direct, body(), { cookie: pia });
    const retriedResponse = await post(reference, body(), { cookie: pia });
    // Proof that the direct path answered: it sends its buffered answer with a length, where
    // tRPC's handler streams it in chunks (both are fine for any HTTP client).
    expect(firstResponse.headers.get("content-length")).not.toBeNull();
    expect(retriedResponse.headers.get("transfer-encoding")).toBe("chunked");
    const first = await seen(firstResponse);
    const retried = await seen(retriedResponse);
    expect(first.status).toBe(200);
    expect(first).toEqual(retried);
    expect(await world.database.db.$count(messages)).toBe(before + 1);
    expect(JSON.parse(first.body)).toMatchObject({ result: { data: { json: { clientId: id, body: "Dock 4 is free", chatId: companyId } } } });
  });

  const cases: [string, () => HttpCall["body"], "pia" | null][] = [
    ["input that fails the schema", () => JSON.stringify({ json: { chatId: "nope", clientId: "x", body: "" } }), "pia"],
    ["no session", () => JSON.stringify({ json: { chatId: "00000000-0000-4000-8000-000000000000", clientId: "no-session-1", body: "hi" } }), null],
    ["text with NUL", () => JSON.stringify({ json: { chatId: "00000000-0000-4000-8000-000000000000", clientId: "nul-text-1", body: "a\u0000b" } }), "pia"],
    ["a body that is not JSON", () => "{", "pia"],
    ["an empty body", () => "", "pia"],
    ["a date path out of the data", () => JSON.stringify({ json: { a: 1 }, dates: [["__proto__", "x"]] }), "pia"],
    ["JSON that is not an object", () => "[1,2,3]", "pia"],
    ["a body past the limit, in pieces", () => chunkedBody(MAX_BODY_BYTES + 64 * 1024), "pia"],
  ];
  it.each(cases)("answers %s exactly as tRPC's handler does", async (_name, body, who) => {
    const headers: Record<string, string> = who === "pia" ? { cookie: pia } : {};
    const answers = await both(body, headers);
    expect(answers.direct.status).toBeGreaterThanOrEqual(400);
    expect(answers.direct).toEqual(answers.reference);
  });

  it("leaves a foreign origin and a streamed answer to tRPC's handler", async () => {
    const body = () => JSON.stringify({ json: { chatId: companyId, clientId: clientId(), body: "hi" } });
    const foreign = await both(body, { cookie: pia, origin: "https://evil.example" });
    expect(foreign.direct.status).toBe(403);
    expect(foreign.direct).toEqual(foreign.reference);
  });

  it("answers any hostile body like tRPC's handler, for someone outside the chat", async () => {
    const chatId = fc.oneof(fc.constant(privateChatId), fc.uuid(), fc.string({ maxLength: 40 }));
    const input = fc.record(
      { chatId, clientId: fc.oneof(fc.string({ maxLength: 80 }), fc.integer()), body: fc.oneof(fc.string({ maxLength: 200 }), fc.constant(null)), replyToId: fc.uuid() },
      { requiredKeys: [] },
    );
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      input.map((json) => JSON.stringify({ json })),
      fc.tuple(input, fc.array(fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.nat(5)), { maxLength: 4 }), { maxLength: 3 })).map(([json, dates]) =>
        JSON.stringify({ json, dates }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(text, async (body) => {
        const answers = await both(() => body, { cookie: olaf });
        expect(answers.direct).toEqual(answers.reference);
        expect(answers.direct.status).not.toBe(200);
        expect(answers.direct.status).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});
