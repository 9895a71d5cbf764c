/**
 * A stand-in for Twilio's Messages API on 127.0.0.1, for tests and for trying SMS offline
 * (`npm run sms:standin`): it takes sends the way Twilio does (form-encoded, basic auth, the
 * idempotency header), answers with Twilio's JSON, then posts signed status callbacks; and it
 * plays a phone writing in, signing inbound messages as Twilio would.
 */
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { smsSegments } from "~/contracts/sms";
import { twilioSignature } from "~/server/services/sms/signature";

export type StandinMessage = {
  sid: string;
  to: string;
  /** The From given, or the number the stand-in "picked" from a messaging service's pool. */
  from: string;
  body: string;
  messagingServiceSid?: string;
  statusCallback?: string;
  idempotencyKey?: string;
};

/** One status callback posted: the HTTP status the receiver answered, 0 if it could not be reached. */
export type StandinCallback = { url: string; params: Record<string, string>; status: number };

export type FinalStatus = "delivered" | "failed" | "undelivered";

export type SmsStandin = {
  /** Where the API answers, e.g. http://127.0.0.1:3030 (Floorchat's TWILIO_API_BASE). */
  url: string;
  messages: StandinMessage[];
  callbacks: StandinCallback[];
  /** The first message, recorded already or to come, that the predicate accepts. */
  waitForMessage(predicate: (message: StandinMessage) => boolean, timeoutMs?: number): Promise<StandinMessage>;
  /** Resolves with every callback posted once there are at least `count`. */
  waitForCallbacks(count: number, timeoutMs?: number): Promise<StandinCallback[]>;
  /** Calls the listener for each message accepted from now on; returns how to stop. */
  onMessage(listener: (message: StandinMessage) => void): () => void;
  /** Calls the listener for each status callback posted from now on; returns how to stop. */
  onCallback(listener: (callback: StandinCallback) => void): () => void;
  /** The next `count` API requests fail with this status, whatever they carry. */
  failNext(count: number, status: 429 | 500 | 503): void;
  /** What messages to this number end as (default delivered); failures carry an error code. */
  setFinalStatus(to: string, status: FinalStatus, errorCode?: number): void;
  /** Posts an inbound SMS to a Floorchat, signed for exactly `targetUrl`, as Twilio would. */
  sendInbound(targetUrl: string, message: InboundSms): Promise<{ status: number; body: string }>;
  /** Posts these parameters as they are, with this X-Twilio-Signature (none when undefined). */
  sendInboundRaw(targetUrl: string, params: Record<string, string>, signature?: string): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
};

const API_VERSION = "2010-04-01";
/** Not Twilio's: the stand-in's own page of what it received (GET, no auth). */
export const INSPECT_PATH = "/_standin/messages";
/** Twilio's magic test number: what a messaging service "picks" when a send names no From. */
const SERVICE_NUMBER = "+15005550006";
/** Twilio's codes when a failure names none: 30008 unknown error, 30003 unreachable handset. */
const DEFAULT_ERROR_CODE = { failed: 30008, undelivered: 30003 } as const;
const FAULT_MESSAGES = { 429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable" } as const;
/** A receiver that hangs must hold neither a test nor close() for long. */
const POST_DEADLINE_MS = 10_000;

const newSid = (prefix: string) => prefix + randomBytes(16).toString("hex");

/** Twilio's dates are RFC 2822 with a numeric zone. */
const rfc2822 = (date: Date) => date.toUTCString().replace("GMT", "+0000");

function twilioError(res: http.ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}) {
  res
    .writeHead(status, { "content-type": "application/json", ...headers })
    .end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
}

async function postForm(url: string, params: Record<string, string>, signature: string | undefined) {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "user-agent": "TwilioProxy/1.1",
      ...(signature === undefined ? {} : { "x-twilio-signature": signature }),
    },
    body: new URLSearchParams(params).toString(),
    redirect: "manual",
    signal: AbortSignal.timeout(POST_DEADLINE_MS),
  });
  return { status: response.status, body: await response.text() };
}

export type InboundSms = { From: string; To: string; Body: string; MessageSid?: string };

/**
 * Posts an inbound SMS as Twilio does: its parameters, form-encoded, signed with the account's
 * auth token for exactly `targetUrl` (the address the receiver believes it is called at).
 */
export function postInboundSms(targetUrl: string, account: { accountSid: string; authToken: string }, { From, To, Body, MessageSid = newSid("SM") }: InboundSms) {
  const params = {
    AccountSid: account.accountSid,
    ApiVersion: API_VERSION,
    Body,
    From,
    MessageSid,
    NumMedia: "0",
    // An empty SMS still arrived in one segment.
    NumSegments: String(Math.max(1, smsSegments(Body).segments)),
    SmsMessageSid: MessageSid,
    SmsSid: MessageSid,
    SmsStatus: "received",
    To,
  };
  return postForm(targetUrl, params, twilioSignature(account.authToken, targetUrl, params));
}

/** Resolves with the first value `check` gives (now, or after one of `event`), or rejects at the deadline. */
function waitFor<T>(events: EventEmitter, event: string, check: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
  const now = check();
  if (now !== undefined) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const onEvent = () => {
      const value = check();
      if (value === undefined) return;
      clearTimeout(timer);
      events.off(event, onEvent);
      resolve(value);
    };
    const timer = setTimeout(() => {
      events.off(event, onEvent);
      reject(new Error(`SMS stand-in: waited ${timeoutMs} ms for ${describe()}`));
    }, timeoutMs);
    events.on(event, onEvent);
  });
}

export async function startSmsStandin(options: { accountSid: string; authToken: string; port?: number }): Promise<SmsStandin> {
  const { accountSid, authToken } = options;
  const messagesPath = `/${API_VERSION}/Accounts/${accountSid}/Messages.json`;
  const expectedAuthorization = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`;
  const events = new EventEmitter();
  const messages: StandinMessage[] = [];
  const callbacks: StandinCallback[] = [];
  const answers = new Map<string, Record<string, unknown>>();
  const finalStatuses = new Map<string, { status: FinalStatus; errorCode?: number }>();
  const faults: (429 | 500 | 503)[] = [];
  const deliveries = new Set<Promise<void>>();

  /** Twilio's `sent` callback, then the final one, each awaited: a receiver sees them in order. */
  async function deliverCallbacks(message: StandinMessage & { statusCallback: string }) {
    const final = finalStatuses.get(message.to) ?? { status: "delivered" as const };
    for (const status of ["sent", final.status] as const) {
      const params: Record<string, string> = {
        AccountSid: accountSid,
        ApiVersion: API_VERSION,
        From: message.from,
        MessageSid: message.sid,
        MessageStatus: status,
        SmsSid: message.sid,
        SmsStatus: status,
        To: message.to,
        ...(message.messagingServiceSid ? { MessagingServiceSid: message.messagingServiceSid } : {}),
        ...(status === "failed" || status === "undelivered" ? { ErrorCode: String(final.errorCode ?? DEFAULT_ERROR_CODE[status]) } : {}),
      };
      const url = message.statusCallback;
      const result = await postForm(url, params, twilioSignature(authToken, url, params)).catch(() => ({ status: 0 }));
      const callback = { url, params, status: result.status };
      callbacks.push(callback);
      events.emit("callback", callback);
    }
  }

  function accept(req: http.IncomingMessage, res: http.ServerResponse, form: URLSearchParams) {
    const idempotencyKey = req.headers["i-twilio-idempotency-token"] as string | undefined;
    // A repeated token is the same send tried again: Twilio answers with the first one's result.
    const earlier = idempotencyKey === undefined ? undefined : answers.get(idempotencyKey);
    if (earlier) {
      res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify(earlier));
      return;
    }
    const to = form.get("To");
    const body = form.get("Body");
    const from = form.get("From") || undefined;
    const messagingServiceSid = form.get("MessagingServiceSid") || undefined;
    const statusCallback = form.get("StatusCallback") || undefined;
    if (!to) return twilioError(res, 400, 21604, "A 'To' phone number is required.");
    if (!body) return twilioError(res, 400, 21602, "Message body is required.");
    if (!from && !messagingServiceSid) return twilioError(res, 400, 21603, "A 'From' phone number is required.");

    const message: StandinMessage = {
      sid: newSid("SM"),
      to,
      from: from ?? SERVICE_NUMBER,
      body,
      ...(messagingServiceSid ? { messagingServiceSid } : {}),
      ...(statusCallback ? { statusCallback } : {}),
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    };
    const now = rfc2822(new Date());
    const uri = `/${API_VERSION}/Accounts/${accountSid}/Messages/${message.sid}.json`;
    const answer = {
      account_sid: accountSid,
      api_version: API_VERSION,
      body,
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: "outbound-api",
      error_code: null,
      error_message: null,
      // A messaging service picks the number later: Twilio's answer has none yet.
      from: from ?? null,
      messaging_service_sid: messagingServiceSid ?? null,
      num_media: "0",
      num_segments: String(smsSegments(body).segments),
      price: null,
      price_unit: "USD",
      sid: message.sid,
      status: "queued",
      subresource_uris: { media: uri.replace(/\.json$/, "/Media.json") },
      to,
      uri,
    };
    messages.push(message);
    if (idempotencyKey !== undefined) answers.set(idempotencyKey, answer);
    events.emit("message", message);
    if (statusCallback) {
      // Only once the answer is out, as with Twilio. A sender that stores the sid after reading
      // the answer can still see the first callback before that: it must not depend on the order.
      res.on("finish", () => {
        const delivery = deliverCallbacks({ ...message, statusCallback }).finally(() => deliveries.delete(delivery));
        deliveries.add(delivery);
      });
    }
    res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify(answer));
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      // What it took, for a person trying SMS offline and for tests in another process (e2e).
      if (req.method === "GET" && req.url === INSPECT_PATH) {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ messages, callbacks }));
        return;
      }
      const fault = faults.shift();
      if (fault !== undefined) {
        return twilioError(res, fault, 20000 + fault, FAULT_MESSAGES[fault], fault === 429 ? { "retry-after": "1" } : {});
      }
      if (req.headers.authorization !== expectedAuthorization) {
        return twilioError(res, 401, 20003, "Authenticate", { "www-authenticate": 'Basic realm="Twilio API"' });
      }
      if (req.method !== "POST" || req.url !== messagesPath) {
        return twilioError(res, 404, 20404, `The requested resource ${req.url} was not found`);
      }
      accept(req, res, new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", resolve);
  });

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    messages,
    callbacks,
    waitForMessage: (predicate, timeoutMs = 10_000) =>
      waitFor(events, "message", () => messages.find(predicate), timeoutMs, () => `a matching message; it has ${JSON.stringify(messages)}`),
    waitForCallbacks: (count, timeoutMs = 10_000) =>
      waitFor(events, "callback", () => (callbacks.length >= count ? [...callbacks] : undefined), timeoutMs, () => `${count} callbacks; it has posted ${callbacks.length}`),
    onMessage(listener) {
      events.on("message", listener);
      return () => events.off("message", listener);
    },
    onCallback(listener) {
      events.on("callback", listener);
      return () => events.off("callback", listener);
    },
    failNext(count, status) {
      faults.push(...Array.from({ length: count }, () => status));
    },
    setFinalStatus(to, status, errorCode) {
      finalStatuses.set(to, errorCode === undefined ? { status } : { status, errorCode });
    },
    sendInbound: (targetUrl, message) => postInboundSms(targetUrl, options, message),
    sendInboundRaw: (targetUrl, params, signature) => postForm(targetUrl, params, signature),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // A sender's keep-alive connection would hold close() until it timed out.
      server.closeAllConnections();
      await Promise.all([closed, Promise.allSettled(deliveries)]);
    },
  };
}
