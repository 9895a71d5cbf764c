/**
 * The requests bench/fuzz.mts sends, one fast-check arbitrary per entry point: tRPC procedures
 * (single, batched, wrong method, broken wire format), the REST API, file upload and download,
 * the live stream and better-auth's endpoints. A request is plain data (method, raw path, headers,
 * body bytes) so the client can send bytes a URL or fetch would have cleaned up.
 */
import fc from "fast-check";
import type { z } from "zod";
import { type KnownIds, MARKER_KEYS, PROTO_KEYS, deepJsonText, hostileJson, hostileString, hugeString, malformedJsonText, mutated, plausible } from "./fuzz-values";

/** Who sends it: no cookie, a signed-in worker or admin, a forged session cookie, or a spare session better-auth's endpoints may play with. */
export type Persona = "outsider" | "worker" | "admin" | "forged" | "spare";

export type FuzzRequest = {
  /** What was aimed at, for grouping 5xx answers: "trpc message.send", "rest PUT /entities/{type}/{key}"… */
  target: string;
  method: string;
  /** Path and query as sent on the request line (latin1 bytes allowed: that is how bad UTF-8 gets there). */
  path: string;
  persona: Persona;
  /** "valid": the run's API token; null: no Authorization header. */
  token?: "valid" | null;
  headers: Record<string, string>;
  body?: Buffer;
};

export type Procedure = { name: string; type: "query" | "mutation" | "subscription"; input: z.ZodType | null };
export type RestRoute = { method: string; path: string; params?: z.ZodObject; query?: z.ZodObject; body?: z.ZodType };

/** Percent-encodes UTF-8; lone surrogates (which encodeURIComponent throws on) become U+FFFD. */
export function pct(text: string): string {
  return encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd"));
}

/** What node's client lets onto a request line or into a header: latin1 without controls or spaces. */
function latin1(text: string, allowSpace: boolean): string {
  let out = "";
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    const ok = code <= 0xff && (code > 0x20 ? code !== 0x7f : allowSpace && (code === 0x20 || code === 0x09));
    out += ok ? ch : String.fromCharCode(0x80 + (code % 0x80));
  }
  return out;
}

/** A path segment: well encoded, badly percent-encoded, or raw latin1 bytes (invalid UTF-8). */
function segment(value: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: value.map(pct) },
    { weight: 1, arbitrary: fc.constantFrom("%", "%zz", "%E0%A4%A", "%C0%80", "%ED%A0%80", "%00", "%2F..%2F", "..", ".", "%FF%FE") },
    { weight: 1, arbitrary: value.map((s) => latin1(s, false).replace(/[/?#]/g, "\xa0")).filter((s) => s.length > 0) },
  );
}

/** The wire format's {json, dates}, with own `__proto__` keys kept (an object literal would eat them). */
export function toWire(value: unknown): { json: unknown; dates?: (string | number)[][] } {
  const dates: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]): unknown => {
    if (v instanceof Date) {
      dates.push(path);
      return Number.isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...path, i]));
    if (v !== null && typeof v === "object") {
      const out = {};
      for (const [k, item] of Object.entries(v)) Object.defineProperty(out, k, { value: walk(item, [...path, k]), enumerable: true });
      return out;
    }
    return v;
  };
  const json = walk(value, []);
  return dates.length > 0 ? { json, dates } : { json };
}

const BAD_CONTENT_TYPES = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "multipart/form-data", "application/octet-stream", "application/json; charset=latin1", "application/json;;;", "*/*", "", "image/png"];
const WRONG_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "PROPFIND", "M-SEARCH"];
const INVALID_UTF8 = [Buffer.from([0xff]), Buffer.from([0xc0, 0x80]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe2, 0x82]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80])];

/** Body bytes: JSON text of a value, or text that breaks the parser in some way. */
function bodyOf(value: fc.Arbitrary<unknown>): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 6, arbitrary: value.map((v) => Buffer.from(JSON.stringify(v) ?? "null")) },
    { weight: 1, arbitrary: malformedJsonText.map((t) => Buffer.from(t)) },
    { weight: 1, arbitrary: deepJsonText.map((t) => Buffer.from(`{"json":${t}}`)) },
    { weight: 1, arbitrary: fc.constantFrom(...INVALID_UTF8).map((bad) => Buffer.concat([Buffer.from('{"json":"'), bad, Buffer.from('"}')])) },
    { weight: 1, arbitrary: hugeString(3_000_000).map((s) => Buffer.from(JSON.stringify({ json: s }))) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
  );
}

const persona = fc.constantFrom<Persona>("outsider", "worker", "admin", "worker", "admin", "forged");

/** Paths in `dates` meant to walk out of the input into prototypes, or nowhere. */
const datePathAttack: fc.Arbitrary<unknown> = fc.oneof(
  fc.tuple(fc.constantFrom(...PROTO_KEYS), fc.constantFrom(...MARKER_KEYS)).map(([a, b]) => [a, b]),
  fc.constantFrom(...MARKER_KEYS).map((k) => ["constructor", "prototype", k]),
  fc.constantFrom(...MARKER_KEYS).map((k) => ["__proto__", "__proto__", k]),
  fc.constantFrom(...MARKER_KEYS).map((k) => [0, "__proto__", k]),
  fc.constantFrom(["toString"], ["__proto__", "toString"], ["constructor", "prototype", "toString"], ["constructor", "name"], ["a", "b", "c", "d"], [], [""], [null], [{}], [[]], [-1], [1e9]),
  fc.integer({ min: 100, max: 50_000 }).map((n) => Array.from({ length: n }, (_, i) => (i % 2 ? "a" : 0))),
  hostileJson({ chats: [], users: [] }, 100),
);

const datesAttack: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: fc.array(datePathAttack, { minLength: 1, maxLength: 4 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 30_000 }).map((n) => Array.from({ length: n }, () => ["__proto__", "fuzzPolluted"])) },
  { weight: 1, arbitrary: fc.constantFrom("x", 5, null, {}, { 0: ["__proto__", "x"] }, true) },
);

export function trpcTargets(procedures: Procedure[], known: KnownIds, port: number): fc.Arbitrary<FuzzRequest> {
  const origin = `http://127.0.0.1:${port}`;
  const names = procedures.map((p) => p.name);
  const inputFor = (p: Procedure): fc.Arbitrary<unknown> => {
    const base = p.input ? plausible(p.input, known) : fc.constant(undefined);
    return fc.oneof({ weight: 3, arbitrary: mutated(base, known) }, { weight: 2, arbitrary: base }, { weight: 2, arbitrary: hostileJson(known) });
  };
  const verb = (p: Procedure) => (p.type === "query" ? "GET" : "POST");
  const get = (path: string, wire: unknown, extra = "") => {
    // Past ~16 KB node answers 431 before the app sees it; cut the input instead, which also breaks its JSON.
    const query = `input=${pct((JSON.stringify(wire) ?? "").slice(0, 4000)).slice(0, 12_000)}`;
    return `${path}?${query}${extra}`;
  };

  const single = fc.tuple(fc.constantFrom(...procedures), persona).chain(([p, who]) =>
    inputFor(p).map((input): FuzzRequest => {
      const wire = toWire(input);
      const method = verb(p);
      return method === "GET"
        ? { target: `trpc ${p.name}`, method, path: get(`/api/trpc/${p.name}`, wire), persona: who, headers: {} }
        : { target: `trpc ${p.name}`, method, path: `/api/trpc/${p.name}`, persona: who, headers: { "content-type": "application/json", origin }, body: Buffer.from(JSON.stringify(wire)) };
    }),
  );

  const rawBody = fc.tuple(fc.constantFrom(...procedures), persona, bodyOf(hostileJson(known)), fc.constantFrom("application/json", ...BAD_CONTENT_TYPES)).map(
    ([p, who, body, type]): FuzzRequest => ({ target: `trpc ${p.name} (raw body)`, method: "POST", path: `/api/trpc/${p.name}`, persona: who, headers: type ? { "content-type": type, origin } : { origin }, body }),
  );

  const wrongMethod = fc.tuple(fc.constantFrom(...procedures), persona, fc.constantFrom(...WRONG_METHODS)).map(
    ([p, who, method]): FuzzRequest => ({ target: `trpc ${p.name} (${method})`, method, path: get(`/api/trpc/${p.name}`, { json: {} }), persona: who, headers: {}, ...(method === "POST" || method === "PUT" ? { body: Buffer.from("{}") } : {}) }),
  );

  const wireAttack = fc.tuple(fc.constantFrom(...procedures), persona, datesAttack).chain(([p, who, dates]) =>
    inputFor(p).map((input): FuzzRequest => {
      const wire = { json: toWire(input).json, dates };
      return verb(p) === "GET"
        ? { target: `trpc ${p.name} (dates)`, method: "GET", path: get(`/api/trpc/${p.name}`, wire), persona: who, headers: {} }
        : { target: `trpc ${p.name} (dates)`, method: "POST", path: `/api/trpc/${p.name}`, persona: who, headers: { "content-type": "application/json", origin }, body: Buffer.from(JSON.stringify(wire)) };
    }),
  );

  const batch = fc
    .tuple(fc.constantFrom("query", "mutation"), fc.integer({ min: 1, max: 100 }), persona, fc.boolean())
    .chain(([type, size, who, mixed]) => {
      const pool = procedures.filter((p) => mixed || p.type === type);
      // A few distinct calls, repeated up to the batch's size: generating 100 inputs per request would cost more than sending it.
      return fc.tuple(fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: 6 }), fc.constant(who), fc.constant(type)).chain(([distinct, w, t]) =>
        fc.tuple(...distinct.map((p) => inputFor(p).map(toWire)), fc.oneof(fc.constant(null), datesAttack)).map((parts): FuzzRequest => {
          const attack = parts.pop();
          const picked = Array.from({ length: size }, (_, i) => distinct[i % distinct.length]!);
          const inputs: Record<string, unknown> = {};
          picked.forEach((_, i) => {
            const wire = parts[i % parts.length];
            inputs[String(i)] = attack === null ? wire : { ...(wire as object), dates: attack };
          });
          const path = `/api/trpc/${picked.map((p) => p.name).join(",")}`;
          const target = `trpc batch of ${t === "query" ? "queries" : "mutations"}`;
          return t === "query"
            ? { target, method: "GET", path: get(path, inputs, "&batch=1"), persona: w, headers: {} }
            : { target, method: "POST", path: `${path}?batch=1`, persona: w, headers: { "content-type": "application/json", origin }, body: Buffer.from(JSON.stringify(inputs)) };
        }),
      );
    });

  const badBatch = fc
    .tuple(fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 400 }), fc.constantFrom("1", "0", "true", "", "%zz", "1&batch=1"), hostileJson(known), persona)
    .map(([picked, flag, input, who]): FuzzRequest => ({ target: "trpc batch (broken)", method: "GET", path: `/api/trpc/${picked.join(",")}?batch=${flag}&input=${pct(JSON.stringify(input) ?? "").slice(0, 8000)}`, persona: who, headers: {} }));

  const badName = fc
    .tuple(
      segment(fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype", "toString", "user.__proto__", "user.constructor", "__proto__.me", "user.me.x", "user", "", ",", "user.me,,", "hasOwnProperty"), hostileString(known, 4000))),
      fc.constantFrom("GET", "POST"),
      persona,
    )
    .map(([name, method, who]): FuzzRequest => ({ target: "trpc unknown procedure", method, path: `/api/trpc/${name}?input=%7B%22json%22%3A%7B%7D%7D`, persona: who, headers: { "content-type": "application/json", origin }, body: method === "POST" ? Buffer.from('{"json":{}}') : undefined }));

  const badQuery = fc
    .tuple(fc.constantFrom(...procedures.filter((p) => p.type === "query")), fc.constantFrom("input=%zz", "input=%", "input=\xff\xfe", "input=%ED%A0%80", "input=1&input=2", "input=", "input", "input=%7B%22json%22%3A", "&&&=", "input[__proto__][x]=1", "__proto__=1&constructor[prototype][x]=1"), persona)
    .map(([p, query, who]): FuzzRequest => ({ target: `trpc ${p.name} (bad query)`, method: "GET", path: `/api/trpc/${p.name}?${query}`, persona: who, headers: {} }));

  return fc.oneof(
    { weight: 10, arbitrary: single },
    { weight: 3, arbitrary: rawBody },
    { weight: 2, arbitrary: wrongMethod },
    { weight: 4, arbitrary: wireAttack },
    { weight: 2, arbitrary: batch },
    { weight: 1, arbitrary: badBatch },
    { weight: 1, arbitrary: badName },
    { weight: 1, arbitrary: badQuery },
  );
}

export function restTargets(routes: RestRoute[], known: KnownIds): fc.Arbitrary<FuzzRequest> {
  const token = fc.constantFrom<"valid" | null>("valid", "valid", "valid", null);
  const badAuthorization = fc.constantFrom("Bearer", "Bearer ", "Bearer fct_nope", "Basic Zm9vOmJhcg==", "bearer fct_\xff", `Bearer ${"x".repeat(8000)}`, "Bearer %zz", "Bearer fct_00000000000000000000000000000000");
  const routeRequest = fc.tuple(fc.constantFrom(...routes), token, fc.nat(9)).chain(([route, tok, wrong]) => {
    const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const paramValues = route.params ? plausible(route.params, known) : fc.constant({});
    const params = fc.tuple(paramValues, fc.array(segment(hostileString(known, 3000)), { minLength: names.length, maxLength: names.length }), fc.boolean()).map(([good, bad, useBad]) =>
      names.map((name, i) => {
        const value = (good as Record<string, unknown>)[name];
        return useBad ? bad[i]! : pct(typeof value === "string" ? value : (JSON.stringify(value) ?? "x"));
      }),
    );
    const query = route.query ? fc.oneof(mutated(plausible(route.query, known), known), hostileJson(known, 2000)) : fc.oneof(fc.constant(undefined), hostileJson(known, 500));
    const body = route.body ? bodyOf(fc.oneof(mutated(plausible(route.body, known), known), plausible(route.body, known), hostileJson(known))) : fc.option(bodyOf(hostileJson(known)), { nil: undefined });
    return fc.tuple(params, query, body, fc.constantFrom("application/json", "application/json", ...BAD_CONTENT_TYPES), fc.constantFrom(...WRONG_METHODS)).map(([values, q, b, type, otherMethod]): FuzzRequest => {
      let path = route.path;
      values.forEach((v) => (path = path.replace(/\{\w+\}/, v)));
      const search =
        q && typeof q === "object" && !Array.isArray(q)
          ? `?${Object.entries(q)
              .map(([k, v]) => `${pct(k)}=${pct(typeof v === "string" ? v : (JSON.stringify(v) ?? ""))}`)
              .join("&")
              .slice(0, 8000)}`
          : "";
      const method = wrong === 0 ? otherMethod : route.method;
      return { target: `rest ${method} ${route.path}`, method, path: `/api/v1${path}${search}`, persona: "outsider", token: tok, headers: type ? { "content-type": type } : {}, body: method === "GET" || method === "HEAD" ? undefined : b };
    });
  });
  const withBadToken = fc.tuple(fc.constantFrom(...routes), badAuthorization).map(([route, authorization]): FuzzRequest => ({
    target: `rest ${route.method} ${route.path} (bad token)`,
    method: route.method,
    path: `/api/v1${route.path.replace(/\{\w+\}/g, "x")}`,
    persona: "outsider",
    token: null,
    headers: { authorization },
  }));
  const unknownPath = fc.tuple(fc.array(segment(hostileString(known, 2000)), { minLength: 0, maxLength: 5 }), fc.constantFrom(...WRONG_METHODS), token).map(([parts, method, tok]): FuzzRequest => ({
    target: "rest unknown path",
    method,
    path: `/api/v1/${parts.join("/")}`,
    persona: "outsider",
    token: tok,
    headers: {},
  }));
  const documents = fc.tuple(fc.constantFrom("/openapi.json", "/docs", "/openapi.json/", "/docs?x=%zz"), fc.constantFrom(...WRONG_METHODS)).map(([path, method]): FuzzRequest => ({ target: `rest ${method} ${path}`, method, path: `/api/v1${path}`, persona: "outsider", headers: {} }));
  return fc.oneof({ weight: 8, arbitrary: routeRequest }, { weight: 1, arbitrary: withBadToken }, { weight: 2, arbitrary: unknownPath }, { weight: 1, arbitrary: documents });
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_START = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);

/** Bytes that look like an image to a sniffer and are broken after the magic number. */
const fakeImage = fc.tuple(fc.constantFrom(PNG_SIGNATURE, JPEG_START, Buffer.from("GIF89a"), Buffer.from("%PDF-1.4\n"), Buffer.from("RIFF\0\0\0\0WEBPVP8 ")), fc.uint8Array({ maxLength: 4000 })).map(([magic, rest]) => Buffer.concat([magic, rest]));

function multipart(boundary: string): fc.Arbitrary<Buffer> {
  return fc.tuple(fc.string({ maxLength: 30, unit: "binary" }), fc.uint8Array({ maxLength: 500 }), fc.boolean()).map(([name, bytes, close]) =>
    Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}\xff.png"\r\nContent-Type: image/png\r\n\r\n`, "latin1"),
      Buffer.from(bytes),
      Buffer.from(close ? `\r\n--${boundary}--\r\n` : `\r\n--${boundary}`),
    ]),
  );
}

export function fileTargets(known: KnownIds): fc.Arbitrary<FuzzRequest> {
  const chatId = fc.oneof(known.chats.length > 0 ? fc.constantFrom(...known.chats) : fc.uuid(), fc.uuid(), segment(hostileString(known, 3000)));
  const fileName = fc.oneof(
    fc.string({ maxLength: 40 }).map(pct),
    fc.constantFrom("%", "%zz", "%E0%A4%A", "..%2F..%2Fetc%2Fpasswd", "a%00b", "%ED%A0%80", "\xff\xfe", "CON", ".htaccess", "x.svg", "<b>.png"),
    hugeString(8000).map((s) => latin1(s, true)),
  );
  const body = fc.oneof(fakeImage, fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)), fc.constant(Buffer.alloc(0)), multipart("b0undary"));
  const contentType = fc.constantFrom("image/png", "multipart/form-data; boundary=b0undary", "multipart/form-data; boundary=", "multipart/form-data", "application/json", "text/html", "", "image/svg+xml");
  const upload = fc.tuple(chatId, fc.option(fileName, { nil: undefined }), body, contentType, persona, fc.constantFrom("POST", "POST", "POST", "PUT", "PATCH", "GET")).map(
    ([chat, name, bytes, type, who, method]): FuzzRequest => ({
      target: `files ${method} /api/files`,
      method,
      path: `/api/files?chatId=${chat}`,
      persona: who,
      headers: { ...(type ? { "content-type": type } : {}), ...(name !== undefined ? { "x-file-name": name } : {}) },
      body: method === "GET" ? undefined : bytes,
    }),
  );
  const download = fc.tuple(fc.oneof(fc.uuid(), segment(hostileString(known, 3000))), fc.constantFrom("", "/thumb", "/thumb/x", "/%zz"), fc.constantFrom("GET", "GET", "DELETE", "HEAD", "POST", "PUT"), persona).map(
    ([id, tail, method, who]): FuzzRequest => ({ target: `files ${method} /api/files/{id}${tail.startsWith("/thumb") ? "/thumb" : ""}`, method, path: `/api/files/${id}${tail}`, persona: who, headers: {} }),
  );
  return fc.oneof({ weight: 3, arbitrary: upload }, { weight: 2, arbitrary: download });
}

export function streamTargets(known: KnownIds): fc.Arbitrary<FuzzRequest> {
  const eventId = fc.oneof(hostileString(known, 6000).map((s) => latin1(s, true)), fc.constantFrom("-1", "1e3", "99999999999999999999", "0x10", " 5", "5 ", "", "NaN", "9007199254740993"), fc.nat().map(String));
  const query = fc.oneof(fc.constant(""), eventId.map((id) => `?lastEventId=${pct(id)}`), fc.constantFrom("?lastEventId=%zz", "?lastEventId=\xff", "?%zz", "?lastEventId=1&lastEventId=2", "?__proto__[x]=1"));
  return fc.tuple(fc.option(eventId, { nil: undefined }), query, fc.constantFrom("GET", "GET", "GET", "POST", "PUT", "DELETE", "OPTIONS"), persona).map(([id, q, method, who]): FuzzRequest => ({
    target: `stream ${method} /api/stream`,
    method,
    path: `/api/stream${q}`,
    persona: who,
    headers: id !== undefined ? { "last-event-id": id } : {},
  }));
}

/**
 * The raw endpoints beside tRPC and REST: /metrics (a token or an allowed address), the embedded
 * mode's backup channel (loopback and a control token) and the certificate page, with hostile
 * tokens, methods and queries. None of them may answer 5xx (the fuzzer is on loopback, so
 * /metrics answers it; the backup channel never does without the control token).
 */
export function operatorTargets(known: KnownIds): fc.Arbitrary<FuzzRequest> {
  const token = fc.oneof(hostileString(known, 4000).map((s) => latin1(s, true)), fc.constantFrom("", "Bearer", "Bearer ", "Basic YTpi", "Bearer\ttab"));
  const path = fc.constantFrom("/metrics", "/internal/backup", "/install-certificate", "/install-certificate/", "/install-certificate/ca.crt", "/install-certificate/icon.svg", "/install-certificate/x");
  const query = fc.oneof(fc.constant(""), fc.constantFrom("?x=%zz", "?__proto__[x]=1", "?format=csv"), // Short enough that a redirect echoing it (Next adds or strips a trailing slash) stays under
  // the 16 KB a client reads of an answer's headers.
  hostileString(known, 1000).map((s) => `?q=${pct(s)}`));
  return fc.tuple(path, query, fc.constantFrom("GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD"), persona, fc.option(token, { nil: undefined }), fc.option(token, { nil: undefined })).map(
    ([where, q, method, who, authorization, control]): FuzzRequest => ({
      target: `operator ${method} ${where}`,
      method,
      path: `${where}${q}`,
      persona: who,
      headers: { ...(authorization !== undefined ? { authorization } : {}), ...(control !== undefined ? { "x-floorchat-control": control } : {}) },
    }),
  );
}

const AUTH_PATHS = [
  "/sign-in/username", "/sign-in/email", "/sign-up/email", "/sign-in/social", "/get-session", "/list-sessions", "/update-user", "/update-session", "/change-password", "/change-email",
  "/verify-password", "/request-password-reset", "/reset-password", "/reset-password/x", "/verify-email", "/send-verification-email", "/is-username-available", "/link-social",
  "/list-accounts", "/unlink-account", "/refresh-token", "/get-access-token", "/account-info", "/revoke-session", "/callback/x", "/delete-user/callback", "/ok", "/error",
];
/** Would end the spare session for every later request, or delete its user: sent without a cookie only. */
const SESSION_ENDING_PATHS = ["/sign-out", "/revoke-sessions", "/revoke-other-sessions", "/delete-user"];

export function authTargets(known: KnownIds, port: number): fc.Arbitrary<FuzzRequest> {
  const credentials = fc.record({ username: fc.oneof(fc.constantFrom("picker", "admin", "driver", "PICKER", " picker"), hostileString(known, 5000)), password: fc.oneof(fc.string({ maxLength: 30 }), hostileString(known, 100_000)) }, { requiredKeys: [] });
  const body = bodyOf(fc.oneof(mutated(credentials, known), hostileJson(known)));
  const origin = fc.constantFrom(`http://127.0.0.1:${port}`, `http://127.0.0.1:${port}`, "null", "http://evil.example", "\xff", "");
  const onSession = fc.tuple(fc.constantFrom(...AUTH_PATHS), fc.constantFrom<Persona>("outsider", "spare", "forged"));
  const offSession = fc.tuple(fc.constantFrom(...SESSION_ENDING_PATHS), fc.constantFrom<Persona>("outsider", "forged"));
  return fc
    .tuple(fc.oneof({ weight: 6, arbitrary: onSession }, { weight: 1, arbitrary: offSession }, { weight: 1, arbitrary: fc.tuple(segment(hostileString(known, 2000)).map((s) => `/${s}`), fc.constant<Persona>("outsider")) }), fc.constantFrom("POST", "POST", "GET", "PUT", "DELETE", "OPTIONS"), body, origin, fc.constantFrom("application/json", ...BAD_CONTENT_TYPES), fc.option(fc.constantFrom("?callbackURL=javascript:alert(1)", "?x=%zz", "?token=\xff", "?__proto__[x]=1"), { nil: "" }))
    .map(([[path, who], method, bytes, from, type, query]): FuzzRequest => ({
      target: `auth ${method} ${AUTH_PATHS.includes(path) || SESSION_ENDING_PATHS.includes(path) ? path : "(unknown)"}`,
      method,
      path: `/api/auth${path}${query}`,
      persona: who,
      headers: { ...(from ? { origin: from } : {}), ...(type ? { "content-type": type } : {}) },
      body: method === "GET" ? undefined : bytes,
    }));
}

/**
 * Node's HTTP parser refuses a request line with bytes above 0x7e (400) or past ~16 KB (431), then
 * closes the socket: a body sent after such a line meets a reset socket, which says nothing about the app.
 */
export function parserSafe(request: FuzzRequest): FuzzRequest {
  return /[^\x21-\x7e]/.test(request.path) || request.path.length > 12_000 ? { ...request, body: undefined } : request;
}

/** Headers any request may carry besides its own: huge, repeated, badly encoded cookies. */
export const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: hugeString(12_000).map((s) => ({ "x-fuzz": latin1(s, true) })) },
  { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({ "x-forwarded-for": "1.2.3.4, \xff" }, { "x-forwarded-host": "evil.example" }, { "accept-language": "\xff;q=x" }, { accept: "*/*;q=nan" }, { "content-encoding": "gzip" }, { "transfer-encoding-x": "1" }, { "x-trpc-source": "\xff" }, { "trpc-accept": "application/jsonl" }, { "accept-encoding": "br;q=2" }, { range: "bytes=-1-2" }, { "if-none-match": "*" }) },
);
