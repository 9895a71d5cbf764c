/**
 * Fuzzes every entry point of a running app (DESIGN.md invariants 6 and 10).
 *
 *   npm run bench:fuzz [-- --requests 20000] [--seed S] [--port 3207] [--concurrency 16] [--duration 600]
 *
 * Starts the app (embedded database in a fresh DATA_DIR, demo seed, every *_RATE_LIMIT raised so
 * requests reach validation) on loopback, signs in a worker (`picker`) and an admin, makes an API
 * token, then sends generated bad input with fast-check to every tRPC procedure (walked from the
 * router), every /api/v1 route (from the REST route table), /api/files, /api/stream and
 * /api/auth/*, as an outsider, a worker, an admin and a forged session. Afterwards it compares
 * Object.prototype & co. in the server process (over the inspector) with a snapshot taken before,
 * checks behaviour a polluted prototype would change, and checks that a fresh sign-in and a send
 * still work. Prints each distinct 5xx and failed request, then one JSON line. Exits non-zero on a
 * 5xx, a request without an answer, pollution, a server exit or a server that stopped serving.
 * The seed is printed: the same seed sends the same requests in the same order.
 */
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import type { z } from "zod";
import { wire } from "~/lib/trpc/wire";
import { DEMO_PASSWORD } from "~/server/seed";
import { appRouter } from "~/server/api/root";
import { ZEnv } from "~/server/env";
import { ROUTES } from "~/server/rest";
import { SCOPES } from "~/server/services/tokens";
import { parseArgs } from "./lib/args";
import { type FuzzRequest, type Persona, type Procedure, authTargets, extraHeaders, fileTargets, operatorTargets, parserSafe, restTargets, streamTargets, trpcTargets } from "./lib/fuzz-targets";
import type { KnownIds } from "./lib/fuzz-values";
import { inspectEvaluate } from "./lib/inspect";
import { type Instance, startInstances } from "./lib/instances";
import { isStopping, onCleanup, runBench } from "./lib/run";

const USAGE = "usage: npm run bench:fuzz -- [--requests 20000] [--seed S] [--port 3207] [--concurrency 16] [--duration 600]";
const options = parseArgs({ requests: 20_000, seed: -1, port: 3207, concurrency: 16, duration: 600 }, USAGE);
const seed = options.seed >= 0 ? options.seed : Math.floor(Math.random() * 2 ** 31);
const base = `http://127.0.0.1:${options.port}`;
const REQUEST_TIMEOUT_MS = 30_000;
const SESSION_COOKIE = "better-auth.session_token";

type Answer = { status: number; sample: string } | { error: string };

const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });

/** One request over a kept-alive loopback socket; an event stream is cut once its headers arrive. */
function send(method: string, requestPath: string, headers: Record<string, string>, body?: Buffer): Promise<Answer> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (answer: Answer) => {
      if (settled) return;
      settled = true;
      resolve(answer);
    };
    let request: http.ClientRequest;
    try {
      request = http.request({ host: "127.0.0.1", port: options.port, method, path: requestPath, agent, headers: body ? { ...headers, "content-length": String(body.length) } : headers });
    } catch (error) {
      return done({ error: `client refused to send it: ${(error as Error).message}` });
    }
    request.setTimeout(REQUEST_TIMEOUT_MS, () => request.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
    request.on("error", (error) => done({ error: error.message }));
    request.on("response", (response) => {
      const status = response.statusCode ?? 0;
      if (String(response.headers["content-type"]).startsWith("text/event-stream")) {
        done({ status, sample: "(event stream)" });
        response.destroy();
        return;
      }
      let sample = "";
      response.on("data", (chunk: Buffer) => {
        if (sample.length < 400) sample += chunk.toString("utf8", 0, 400);
      });
      response.on("end", () => done({ status, sample: sample.slice(0, 400) }));
      response.on("error", (error) => done({ error: error.message }));
    });
    request.end(body);
  });
}

async function jsonCall(method: string, requestPath: string, headers: Record<string, string>, body?: unknown) {
  const answer = await send(method, requestPath, { "content-type": "application/json", origin: base, ...headers }, body === undefined ? undefined : Buffer.from(JSON.stringify(body)));
  if ("error" in answer) throw new Error(`${method} ${requestPath}: ${answer.error}`);
  return answer;
}

async function signIn(username: string, password = DEMO_PASSWORD): Promise<string> {
  const response = await fetch(`${base}/api/auth/sign-in/username`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`sign-in of ${username}: ${response.status} ${await response.text()}`);
  return response.headers.getSetCookie().map((c) => c.split(";", 1)[0]).join("; ");
}

/** A tRPC call the way the app's client makes it; returns the status and the decoded data. */
async function trpc(cookie: string, name: string, type: "query" | "mutation", input?: unknown): Promise<{ status: number; data: unknown; text: string }> {
  const payload = input === undefined ? undefined : wire.serialize(input);
  const response = await fetch(
    type === "query" ? `${base}/api/trpc/${name}${payload ? `?input=${encodeURIComponent(JSON.stringify(payload))}` : ""}` : `${base}/api/trpc/${name}`,
    type === "query" ? { headers: { cookie } } : { method: "POST", headers: { cookie, origin: base, "content-type": "application/json" }, body: JSON.stringify(payload ?? {}) },
  );
  const text = await response.text();
  let data: unknown;
  try {
    const body = JSON.parse(text) as { result?: { data: unknown } };
    data = body.result ? wire.deserialize(body.result.data) : undefined;
  } catch {
    // Not tRPC's JSON (Next's plain "Internal Server Error"): the status and text tell what happened.
  }
  return { status: response.status, data, text: text.slice(0, 300) };
}

function procedures(): Procedure[] {
  type Def = { _def: { type: Procedure["type"]; inputs: unknown[] } };
  return Object.entries(appRouter._def.procedures as unknown as Record<string, Def>).map(([name, p]) => ({ name, type: p._def.type, input: (p._def.inputs[0] as z.ZodType | undefined) ?? null }));
}

/** Every own property of the built-in prototypes, with the type of its value: pollution adds or changes one. */
const PROTOTYPES_EXPRESSION = `JSON.stringify(Object.fromEntries([["Object", Object.prototype], ["Array", Array.prototype], ["Function", Function.prototype], ["String", String.prototype], ["Number", Number.prototype], ["Promise", Promise.prototype]].map(([name, proto]) => [name, Object.getOwnPropertyNames(proto).sort().map((key) => { const d = Object.getOwnPropertyDescriptor(proto, key); return key + ":" + (d.get || d.set ? "accessor" : typeof d.value); })])))`;

function prototypeChanges(before: string, after: string): string[] {
  const a = JSON.parse(before) as Record<string, string[]>;
  const b = JSON.parse(after) as Record<string, string[]>;
  return Object.keys(a).flatMap((name) => {
    const was = new Set(a[name]);
    const now = new Set(b[name]);
    return [...[...now].filter((k) => !was.has(k)).map((k) => `${name}.prototype gained ${k}`), ...[...was].filter((k) => !now.has(k)).map((k) => `${name}.prototype lost ${k}`)];
  });
}

function rateLimitEnv(): Record<string, string> {
  // Every limit the app knows of, so a request reaches validation instead of a 429.
  const names = Object.keys(ZEnv.shape).filter((name) => /RATE_LIMIT|_LIMIT$/.test(name));
  return Object.fromEntries(names.map((name) => [name, "100000"]));
}

function describeRequest(r: FuzzRequest): string {
  const headers = Object.entries(r.headers).map(([k, v]) => `${k}: ${v.length > 80 ? `${v.slice(0, 80)}… (${v.length} chars)` : v}`);
  const body = r.body ? ` body (${r.body.length} bytes): ${JSON.stringify(r.body.toString("latin1", 0, 200))}` : "";
  const url = r.path.length > 300 ? `${r.path.slice(0, 300)}… (${r.path.length} chars)` : r.path;
  return `${r.method} ${JSON.stringify(url)} as ${r.persona}${r.token !== undefined ? ` token=${r.token ?? "none"}` : ""}${headers.length ? ` [${headers.join("; ")}]` : ""}${body}`;
}

type Finding = { count: number; status: string; sample: string; first: string; index: number };

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-fuzz-"));
  onCleanup(() => fs.rmSync(dataDir, { recursive: true, force: true }), "after");
  const logFile = path.join(os.tmpdir(), `floorchat-fuzz-${seed}.log`);
  const log = fs.createWriteStream(logFile);
  onCleanup(() => new Promise<void>((resolve) => log.end(resolve)), "after");
  console.log(`[fuzz] seed ${seed} (repeat with --seed ${seed}); server log: ${logFile}`);

  const [instance] = (await startInstances({
    count: 1,
    ports: [options.port],
    inspect: true,
    env: { DATA_DIR: dataDir, DATABASE_URL: "", REDIS_URL: "", SEED_DEMO: "1", ...rateLimitEnv() },
  })) as [Instance];
  instance.child.stdout?.on("data", (chunk: Buffer) => log.write(chunk));
  instance.child.stderr?.on("data", (chunk: Buffer) => log.write(chunk));
  let exited = null as string | null;
  instance.child.once("exit", (code, signal) => (exited = `exited with ${signal ?? code}`));

  const worker = await signIn("picker");
  const admin = await signIn("admin");
  // better-auth's own endpoints get a session of their own to play with (update-user, list-sessions…).
  const spare = await signIn("picker");
  const chats = (await trpc(admin, "chat.list", "query")).data as { id: string; kind: string }[];
  const users = (await trpc(admin, "user.list", "query")).data as { id: string }[];
  const known: KnownIds = { chats: chats.map((c) => c.id), users: users.map((u) => u.id) };
  // The checks after the run sign in as people the fuzz never hears of: as admin it may well
  // deactivate the demo people or throttle their names, which is the app working, not failing.
  const checkPassword = `check-${seed}-${Date.now()}`;
  const checkers = { worker: `check_w${seed}`, manager: `check_m${seed}` };
  for (const [role, username] of Object.entries(checkers)) {
    const made = await trpc(admin, "user.create", "mutation", { username, name: `Fuzz check ${role}`, password: checkPassword, role });
    if (made.status !== 200) throw new Error(`user.create ${username}: ${made.status} ${made.text}`);
  }
  const created = await trpc(admin, "token.create", "mutation", { name: "fuzz", scopes: [...SCOPES] });
  const token = (created.data as { token?: string } | undefined)?.token;
  if (!token) throw new Error(`token.create: ${created.status} ${created.text}`);
  const workerToken = decodeURIComponent(worker.split("=")[1] ?? "");
  const forged = [
    `${SESSION_COOKIE}=${"x".repeat(32)}.${"y".repeat(43)}%3D`,
    `${SESSION_COOKIE}=%zz`,
    `${SESSION_COOKIE}=\xff\xfe`,
    `${SESSION_COOKIE}=`,
    `${SESSION_COOKIE}=${encodeURIComponent(`${workerToken.split(".")[0]}.AAAA`)}`,
    `${SESSION_COOKIE}=a; ${SESSION_COOKIE}=b`,
    `__proto__=1; constructor=2; ${SESSION_COOKIE}=__proto__`,
    `${SESSION_COOKIE}=${"a".repeat(8000)}`,
    `better-auth.session_data=${"e".repeat(200)}; ${worker}`,
    `${SESSION_COOKIE}=${encodeURIComponent(workerToken)}x`,
  ];
  const cookieOf = (persona: Persona, index: number): string | null =>
    ({ outsider: null, worker, admin, spare, forged: forged[index % forged.length]! })[persona];

  const prototypesBefore = await inspectEvaluate(instance.inspectPort!, PROTOTYPES_EXPRESSION);
  const all = procedures().filter((p) => p.type !== "subscription");
  console.log(`[fuzz] ${all.length} tRPC procedures, ${ROUTES.length} REST routes, ${known.chats.length} chats and ${known.users.length} users to aim at`);

  const request = fc.tuple(
    fc.oneof(
      { weight: 10, arbitrary: trpcTargets(all, known, options.port) },
      { weight: 3, arbitrary: restTargets(ROUTES, known) },
      { weight: 2, arbitrary: fileTargets(known) },
      { weight: 1, arbitrary: streamTargets(known) },
      { weight: 1, arbitrary: operatorTargets(known) },
      { weight: 2, arbitrary: authTargets(known, options.port) },
    ).map(parserSafe),
    extraHeaders,
  );

  const statuses = new Map<number, number>();
  const errors = new Map<string, Finding>();
  const failures = new Map<string, Finding>();
  const targets = new Set<string>();
  let sent = 0;
  let generated = 0;
  const queue: { index: number; request: FuzzRequest; extra: Record<string, string> }[] = [];
  const deadline = Date.now() + options.duration * 1000;
  const started = performance.now();

  const next = () => {
    if (sent >= options.requests || exited || isStopping() || Date.now() > deadline) return null;
    if (queue.length === 0) {
      // Chunks of a seeded stream: the n-th request is the same for a seed whatever the timing.
      const chunk = fc.sample(request, { seed: seed + generated, numRuns: 100 });
      chunk.forEach(([r, extra], i) => queue.push({ index: generated + i, request: r, extra }));
      generated += chunk.length;
    }
    sent++;
    return queue.shift()!;
  };

  const record = (map: Map<string, Finding>, key: string, status: string, sample: string, item: { index: number; request: FuzzRequest }) => {
    const found = map.get(key);
    if (found) found.count++;
    else map.set(key, { count: 1, status, sample, first: describeRequest(item.request), index: item.index });
  };

  const progress = setInterval(() => {
    const seconds = (performance.now() - started) / 1000;
    console.log(`[fuzz] ${sent} sent, ${Math.round(sent / seconds)}/s, ${errors.size} distinct 5xx, ${failures.size} distinct failures`);
  }, 15_000);
  progress.unref();

  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      for (let item = next(); item; item = next()) {
        const { request: r, extra } = item;
        targets.add(r.target.replace(/ \(.*\)$/, ""));
        const cookie = cookieOf(r.persona, item.index);
        const headers: Record<string, string> = { ...extra, ...r.headers };
        if (cookie) headers.cookie = cookie;
        if (r.token === "valid") headers.authorization = `Bearer ${token}`;
        const answer = await send(r.method, r.path, headers, r.body);
        if ("error" in answer) {
          record(failures, `${r.target}: ${answer.error}`, "no answer", answer.error, item);
          continue;
        }
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status >= 500) record(errors, `${r.target} → ${answer.status}`, String(answer.status), answer.sample, item);
      }
    }),
  );
  clearInterval(progress);
  const seconds = (performance.now() - started) / 1000;

  // After the run: would a polluted prototype show? The server's own view first, then behaviour.
  const prototypesAfter = exited ? prototypesBefore : await inspectEvaluate(instance.inspectPort!, PROTOTYPES_EXPRESSION);
  const pollution = prototypeChanges(prototypesBefore, prototypesAfter);
  const checks: string[] = [];
  let stillServing = false;
  if (!exited) {
    const checker = await signIn(checkers.worker, checkPassword);
    const me = await trpc(checker, "user.me", "query");
    const can = (me.data as { can?: { moderateMessages?: unknown } } | undefined)?.can;
    if (me.status !== 200 || can?.moderateMessages !== false) checks.push(`a worker's user.me: ${me.status} ${me.text}`);
    const company = chats.find((c) => c.kind === "company")!;
    // `limit` is optional in message.list: a polluted Object.prototype.limit would be read as the input's.
    const page = await trpc(checker, "message.list", "query", { chatId: company.id });
    if (page.status !== 200) checks.push(`a worker's message.list without a limit: ${page.status} ${page.text}`);
    const polluted = await jsonCall("GET", `/api/trpc/user.me`, { cookie: checker });
    if (/fuzzPolluted|isAdmin/.test(polluted.sample)) checks.push(`user.me shows a polluted key: ${polluted.sample}`);
    pollution.push(...checks);
    try {
      // A manager the fuzz never knew: a sign-in and a send that work prove the app still serves.
      const manager = await signIn(checkers.manager, checkPassword);
      const sentMessage = await trpc(manager, "message.send", "mutation", { chatId: company.id, clientId: `fuzz-${seed}-after`, body: "Still serving after the fuzz" });
      stillServing = sentMessage.status === 200;
      if (!stillServing) console.log(`[fuzz] message.send after the run: ${sentMessage.status} ${sentMessage.text}`);
    } catch (error) {
      console.log(`[fuzz] sign-in after the run failed: ${(error as Error).message}`);
    }
  }

  const count5xx = [...statuses].filter(([s]) => s >= 500).reduce((sum, [, n]) => sum + n, 0);
  const noAnswer = [...failures.values()].reduce((sum, f) => sum + f.count, 0);
  console.log(`\n[fuzz] ${sent} requests in ${seconds.toFixed(0)} s (${Math.round(sent / seconds)}/s, concurrency ${options.concurrency}, seed ${seed}) to ${targets.size} targets`);
  console.log(`[fuzz] statuses: ${[...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(" ")}`);
  for (const [key, f] of errors) console.log(`\n5xx ${key} (${f.count}×) body: ${f.sample.slice(0, 200)}\n  first, request #${f.index}: ${f.first}`);
  for (const [key, f] of failures) console.log(`\nNO ANSWER ${key} (${f.count}×)\n  first, request #${f.index}: ${f.first}`);
  for (const line of pollution) console.log(`\nPOLLUTION ${line}`);
  if (exited) console.log(`\nSERVER ${exited}; its last output:\n${instance.output().slice(-3000)}`);
  const serverErrors = instance.errors();
  if (serverErrors.count > 0) console.log(`\n[fuzz] the server logged ${serverErrors.count} error lines (all in ${logFile}), the first:\n${serverErrors.first.join("\n")}`);

  console.log(
    JSON.stringify({
      bench: "fuzz",
      requests: sent,
      seconds: Math.round(seconds),
      seed,
      status_5xx: count5xx,
      status_429: statuses.get(429) ?? 0,
      no_answer: noAnswer,
      prototype_polluted: pollution.length > 0,
      process_restarts: exited ? 1 : 0,
      still_serving: stillServing,
    }),
  );
  agent.destroy();
  if (count5xx > 0 || noAnswer > 0 || pollution.length > 0 || exited || !stillServing) process.exitCode = 1;
}

runBench(main, (options.duration + 600) * 1000);
