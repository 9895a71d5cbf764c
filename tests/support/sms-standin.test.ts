import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validTwilioSignature } from "~/server/services/sms/signature";
import { type SmsStandin, startSmsStandin } from "./sms-standin";

const ACCOUNT_SID = "ACtest";
const AUTH_TOKEN = "test-token";

type Received = { url: string; signature: string | undefined; params: Record<string, string>; valid: boolean };

/** A Floorchat stand-in: it checks each post's X-Twilio-Signature as the app does, and answers 204 or 403. */
async function startReceiver() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = base + (req.url ?? "");
      const signature = req.headers["x-twilio-signature"] as string | undefined;
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
      const valid = req.headers["content-type"] === "application/x-www-form-urlencoded" && validTwilioSignature(AUTH_TOKEN, signature, url, params);
      received.push({ url, signature, params, valid });
      res.writeHead(valid ? 204 : 403).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let standin: SmsStandin;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  [standin, receiver] = await Promise.all([startSmsStandin({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN }), startReceiver()]);
});
afterAll(async () => {
  await standin.close();
  await receiver.close();
});

const basic = (sid: string, token: string) => `Basic ${Buffer.from(`${sid}:${token}`).toString("base64")}`;

/** A send as Floorchat's provider makes it. */
async function send(form: Record<string, string>, headers: Record<string, string> = {}, path = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`) {
  const response = await fetch(standin.url + path, {
    method: "POST",
    headers: { authorization: basic(ACCOUNT_SID, AUTH_TOKEN), "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
}

/** Each test texts its own number, so messages and callbacks of other tests never match. */
let numbers = 0;
const newNumber = () => `+4860010${String(++numbers).padStart(4, "0")}`;

describe("SMS stand-in: the Messages API", () => {
  it("refuses a wrong or missing account and token with Twilio's 401 and records nothing", async () => {
    const to = newNumber();
    const before = standin.messages.length;
    for (const authorization of [basic(ACCOUNT_SID, "wrong"), basic("ACother", AUTH_TOKEN), ""]) {
      const answer = await send({ To: to, From: "+15005550006", Body: "hi" }, { authorization });
      expect(answer.status).toBe(401);
      expect(answer.json).toMatchObject({ code: 20003, message: "Authenticate", status: 401 });
    }
    expect(standin.messages).toHaveLength(before);
  });

  it("accepts a send with 201 and Twilio's message resource, and records it", async () => {
    const to = newNumber();
    const recorded = standin.waitForMessage((m) => m.to === to);
    const body = "a".repeat(161);
    const answer = await send({ To: to, From: "+15005550006", Body: body });
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({
      account_sid: ACCOUNT_SID,
      to,
      from: "+15005550006",
      body,
      status: "queued",
      direction: "outbound-api",
      num_segments: "2",
      error_code: null,
      error_message: null,
    });
    expect(answer.json.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(answer.json.uri).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${String(answer.json.sid)}.json`);
    expect(answer.json.date_created).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    expect(await recorded).toEqual({ sid: answer.json.sid, to, from: "+15005550006", body });
  });

  it("requires To, Body, and From or MessagingServiceSid, with Twilio's error codes", async () => {
    const to = newNumber();
    const cases: [Record<string, string>, number][] = [
      [{ From: "+15005550006", Body: "hi" }, 21604],
      [{ To: to, From: "+15005550006" }, 21602],
      [{ To: to, From: "+15005550006", Body: "" }, 21602],
      [{ To: to, Body: "hi" }, 21603],
    ];
    for (const [form, code] of cases) {
      const answer = await send(form);
      expect(answer.status, JSON.stringify(form)).toBe(400);
      expect(answer.json).toMatchObject({ code, status: 400 });
    }
    expect(standin.messages.filter((m) => m.to === to)).toEqual([]);
    const viaService = await send({ To: to, MessagingServiceSid: "MGtest", Body: "hi" });
    expect(viaService.status).toBe(201);
    expect(viaService.json).toMatchObject({ from: null, messaging_service_sid: "MGtest" });
  });

  it("answers a repeated idempotency token with the first message and records nothing new", async () => {
    const to = newNumber();
    const headers = { "i-twilio-idempotency-token": `key-${to}` };
    const first = await send({ To: to, From: "+15005550006", Body: "once" }, headers);
    const again = await send({ To: to, From: "+15005550006", Body: "once" }, headers);
    expect(again).toMatchObject({ status: 201, json: first.json });
    expect(standin.messages.filter((m) => m.to === to)).toEqual([expect.objectContaining({ sid: first.json.sid, idempotencyKey: `key-${to}` })]);
    const other = await send({ To: to, From: "+15005550006", Body: "once" }, { "i-twilio-idempotency-token": `other-${to}` });
    expect(other.json.sid).not.toBe(first.json.sid);
  });

  it("fails the next N requests with the status asked for (Retry-After on 429), then accepts again", async () => {
    const to = newNumber();
    standin.failNext(2, 429);
    standin.failNext(1, 503);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await send({ To: to, From: "+15005550006", Body: `try ${i}` }));
    expect(answers.map((a) => a.status)).toEqual([429, 429, 503, 201]);
    expect(answers[0]!.headers.get("retry-after")).toBe("1");
    expect(answers[0]!.json).toMatchObject({ code: 20429, status: 429 });
    expect(answers[2]!.headers.get("retry-after")).toBeNull();
    expect(standin.messages.filter((m) => m.to === to).map((m) => m.body)).toEqual(["try 3"]);
  });
});

describe("SMS stand-in: status callbacks", () => {
  it("posts sent then delivered, form-encoded and signed for the callback URL", async () => {
    const to = newNumber();
    const url = `${receiver.base}/api/sms/status?id=${to}`;
    const from = standin.callbacks.length;
    const { json } = await send({ To: to, From: "+15005550006", Body: "hi", StatusCallback: url });
    const posted = (await standin.waitForCallbacks(from + 2)).filter((c) => c.params.To === to);
    expect(posted.map((c) => [c.params.MessageStatus, c.status])).toEqual([["sent", 204], ["delivered", 204]]);
    expect(posted[1]!.params).toEqual({
      AccountSid: ACCOUNT_SID,
      ApiVersion: "2010-04-01",
      From: "+15005550006",
      MessageSid: json.sid,
      MessageStatus: "delivered",
      SmsSid: json.sid,
      SmsStatus: "delivered",
      To: to,
    });
    expect(receiver.received.filter((r) => r.params.To === to).map((r) => [r.url, r.valid])).toEqual([[url, true], [url, true]]);
  });

  it("ends with the final status set for the number, with its error code (or Twilio's default)", async () => {
    const failing = newNumber();
    const unreachable = newNumber();
    standin.setFinalStatus(failing, "failed", 30006);
    standin.setFinalStatus(unreachable, "undelivered");
    const from = standin.callbacks.length;
    for (const to of [failing, unreachable]) await send({ To: to, From: "+15005550006", Body: "hi", StatusCallback: `${receiver.base}/status` });
    const posted = await standin.waitForCallbacks(from + 4);
    const last = (to: string) => posted.filter((c) => c.params.To === to).at(-1)!.params;
    expect(last(failing)).toMatchObject({ MessageStatus: "failed", ErrorCode: "30006" });
    expect(last(unreachable)).toMatchObject({ MessageStatus: "undelivered", ErrorCode: "30003" });
    expect(posted.filter((c) => c.params.MessageStatus === "sent").every((c) => !("ErrorCode" in c.params))).toBe(true);
  });

  it("records a callback its receiver cannot be reached at with status 0", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const to = newNumber();
    const from = standin.callbacks.length;
    await send({ To: to, From: "+15005550006", Body: "hi", StatusCallback: `http://127.0.0.1:${port}/status` });
    const posted = (await standin.waitForCallbacks(from + 2)).filter((c) => c.params.To === to);
    expect(posted.map((c) => [c.params.MessageStatus, c.status])).toEqual([["sent", 0], ["delivered", 0]]);
  });
});

describe("SMS stand-in: a phone writing in", () => {
  it("posts an inbound SMS signed for the target URL, with Twilio's parameters", async () => {
    const from = newNumber();
    const url = `${receiver.base}/api/sms/inbound`;
    const answer = await standin.sendInbound(url, { From: from, To: "+15005550006", Body: "Running late, 10 min" });
    expect(answer.status).toBe(204);
    const got = receiver.received.find((r) => r.params.From === from)!;
    expect(got).toMatchObject({ url, valid: true });
    expect(got.params).toMatchObject({ AccountSid: ACCOUNT_SID, To: "+15005550006", Body: "Running late, 10 min", NumMedia: "0", NumSegments: "1", SmsStatus: "received" });
    expect(got.params.MessageSid).toMatch(/^SM[0-9a-f]{32}$/);
    expect([got.params.SmsSid, got.params.SmsMessageSid]).toEqual([got.params.MessageSid, got.params.MessageSid]);
  });

  it("keeps a MessageSid it is given, so a test can play Twilio retrying one message", async () => {
    const from = newNumber();
    await standin.sendInbound(`${receiver.base}/in`, { From: from, To: "+15005550006", Body: "again", MessageSid: "SMretry" });
    expect(receiver.received.find((r) => r.params.From === from)?.params.MessageSid).toBe("SMretry");
  });

  it("posts raw parameters with a wrong signature or none, which the receiver refuses", async () => {
    const from = newNumber();
    const url = `${receiver.base}/api/sms/inbound`;
    const params = { From: from, To: "+15005550006", Body: "forged" };
    expect(await standin.sendInboundRaw(url, params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")).toMatchObject({ status: 403 });
    expect(await standin.sendInboundRaw(url, params)).toMatchObject({ status: 403 });
    expect(receiver.received.filter((r) => r.params.From === from).map((r) => r.signature)).toEqual(["RSOYDt4T1cUTdK1PDd93/VVr8B8=", undefined]);
  });
});

describe("SMS stand-in: waiting", () => {
  it("rejects waitForMessage at its deadline when no message matches", async () => {
    await expect(standin.waitForMessage((m) => m.to === "+0", 50)).rejects.toThrow(/waited 50 ms for a matching message/);
  });
});
