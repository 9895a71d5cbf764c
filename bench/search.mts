/**
 * Message search latency at scale (issue 7, "Benchmark").
 *
 *   npm run bench:search [-- --messages 1000000] [--fresh] [--searches 300]
 *
 * Server mode: DATABASE_URL, else postgres://postgres@127.0.0.1:5432/floorchat_bench (created
 * if missing; never the `test` database CI uses). Migrated with the app's migrations, then
 * seeded in SQL: 200 users, 2,000 rooms (10 public, 40 private ones the bench reader is on the
 * access list of, 1,950 private ones closed to them; no company chat, which everyone reads)
 * and N messages spread evenly over the rooms, bodies drawn from English and Polish warehouse
 * words with a skewed frequency (so common and rare words exist), ~1% with a file. A database
 * already seeded with the same N is reused; --fresh seeds it again.
 *
 * Then searches as the reader (50 readable chats) by calling searchMessages directly, warmed up
 * once, mixing whole words, 3–4 letter prefixes, several words and filters. Prints figures,
 * never fails on them; the last line is JSON.
 */
import pg from "pg";
import { sql } from "drizzle-orm";
import { openPostgres, rawRows } from "~/db/client";
import type { Actor } from "~/server/domain-error";
import { type SearchInput, searchMessages } from "~/server/services/search";
import { parseArgs } from "./lib/args";
import { onCleanup, runBench } from "./lib/run";
import { Histogram, ms, round, table } from "./lib/stats";

const USAGE = "usage: npm run bench:search -- [--messages 1000000] [--searches 300] [--fresh]";
const options = parseArgs({ messages: 1_000_000, searches: 300, fresh: false, timeLimit: 1800 }, USAGE);

const CHATS = 2000;
const USERS = 200;
const READER = "bench-reader";
// Most frequent first: a word's index is drawn as len·u³, so the first ones are in many messages.
const VOCABULARY = [
  "the", "pallet", "dock", "paleta", "is", "na", "order", "rampa", "please", "check", "box", "karton", "aisle", "regał",
  "ready", "gotowe", "truck", "ciężarówka", "label", "etykieta", "scan", "skanuj", "picking", "kompletacja", "shelf",
  "półka", "forklift", "wózek", "wrapped", "folia", "damaged", "uszkodzony", "missing", "brakuje", "delivery", "dostawa",
  "return", "zwrot", "inventory", "inwentaryzacja", "shift", "zmiana", "break", "przerwa", "loading", "załadunek",
  "unloading", "rozładunek", "courier", "kurier", "invoice", "faktura", "urgent", "pilne", "driver", "kierowca",
  "temperature", "temperatura", "frozen", "mrożonki", "chilled", "chłodnia", "hazardous", "niebezpieczne", "battery",
  "akumulator", "charger", "ładowarka", "helmet", "kask", "gloves", "rękawice", "ladder", "drabina", "spill", "wyciek",
  "barcode", "kod", "quantity", "ilość", "weight", "waga", "oversize", "gabaryt", "żółty", "zielony", "czerwony",
  "container", "kontener", "seal", "plomba", "customs", "cło", "sample", "próbka", "quarantine", "kwarantanna",
  "recall", "wycofanie", "audit", "kontrola", "mezzanine", "antresola", "conveyor", "przenośnik", "sorter", "stretch",
  "strapping", "taśmowanie", "crossdock", "przeładunek", "consignment", "przesyłka",
];

const serverUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/floorchat_bench";

async function ensureDatabase(url: string, fresh: boolean): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (name === "test") throw new Error("refusing to use the `test` database (CI's); set DATABASE_URL to another one");
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    if (fresh) await client.query(`drop database if exists "${name}" with (force)`);
    const exists = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (exists.rowCount === 0) await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
}

async function main() {
  const n = options.messages;
  const url = serverUrl;
  await ensureDatabase(url, options.fresh);
  let database = await openPostgres(url);
  onCleanup(() => database.close(), "after");
  const db = database.db;

  const [seeded] = await rawRows<{ messages: number; chats: number }>(
    db,
    sql`select (select count(*) from messages)::int as messages, (select count(*) from chats)::int as chats`,
  );
  if (seeded!.messages !== n || seeded!.chats !== CHATS) {
    if (seeded!.chats > 0) {
      console.log(`[bench] database holds ${seeded!.messages} messages in ${seeded!.chats} chats: seeding it afresh`);
      await database.close();
      await ensureDatabase(url, true);
      database = await openPostgres(url);
    }
    await seed(database.db, n);
  } else {
    console.log(`[bench] reusing the seeded database (${n} messages in ${CHATS} chats; --fresh seeds again)`);
  }
  await searches(database.db, n);
}

type Db = Awaited<ReturnType<typeof openPostgres>>["db"];

async function seed(db: Db, n: number) {
  const started = performance.now();
  const step = async (label: string, query: ReturnType<typeof sql>) => {
    const t = performance.now();
    await db.execute(query);
    console.log(`[bench] ${label}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  };
  await step(
    "users",
    sql`insert into users (id, name, email, username)
        select 'bench-u' || i, 'Bench User ' || i, 'bench-u' || i || '@bench.invalid', 'bench-u' || i from generate_series(1, ${USERS - 1}) i
        union all select ${READER}, 'Bench Reader', 'reader@bench.invalid', ${READER}`,
  );
  // Rooms 0–9 public, 10–49 private with the reader on the access list, the rest closed to them.
  await step(
    "chats",
    sql`insert into chats (id, kind, title, visibility, created_by)
        select md5('bench-chat-' || i)::uuid, 'room', 'Room ' || i, case when i < 10 then 'public' else 'private' end::chat_visibility, 'bench-u1'
        from generate_series(0, ${CHATS - 1}) i`,
  );
  await step(
    "access",
    sql`insert into chat_access (chat_id, user_id) select md5('bench-chat-' || i)::uuid, ${READER} from generate_series(10, 49) i`,
  );
  // Indexes are built once after the load: much faster than keeping them up to date row by row.
  await db.execute(sql`drop index if exists messages_search_idx`);
  await db.execute(sql`drop index if exists messages_chat_created_idx`);
  await db.execute(sql`set maintenance_work_mem = '512MB'`);
  const vocabulary = `{${VOCABULARY.map((w) => `"${w}"`).join(",")}}`;
  // Message g is in room g mod 2000 with seq g div 2000 + 1 (gap-free per chat), two seconds apart.
  // The body's subquery mentions g so it runs per row; ~1 in 47 carries an order number.
  await step(
    `messages (${n})`,
    sql`insert into messages (chat_id, seq, sender_kind, sender_id, body, created_at)
        select md5('bench-chat-' || (g % ${CHATS}))::uuid, g / ${CHATS} + 1, 'user', 'bench-u' || (1 + g % ${USERS - 1}),
          (select string_agg(v[1 + floor(power(random(), 3) * array_length(v, 1))::int], ' ')
             from generate_series(1, 4 + g % 9), (select ${vocabulary}::text[] as v) w)
          || case when g % 47 = 0 then ' SO-' || (10000 + g % 89999) else '' end,
          now() - (${n} - g) * interval '2 seconds'
        from generate_series(0, ${n - 1}) g`,
  );
  await step("index messages_chat_created_idx", sql`create index messages_chat_created_idx on messages using btree (chat_id, created_at)`);
  await step("index messages_search_idx", sql`create index messages_search_idx on messages using gin (search)`);
  await step(
    "attachments (1%)",
    sql`insert into attachments (chat_id, message_id, storage_key, name, content_type, size)
        select chat_id, id, 'bench/' || id, 'photo.jpg', 'image/jpeg', 100000 from messages where seq % 100 = 7`,
  );
  await step(
    "last_seq",
    sql`update chats c set last_seq = m.last_seq, last_message_at = m.at
        from (select chat_id, max(seq) as last_seq, max(created_at) as at from messages group by chat_id) m where m.chat_id = c.id`,
  );
  await step("analyze", sql`analyze`);
  console.log(`[bench] seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

type Case = { kind: string; input: SearchInput };

function cases(readable: string[], count: number): Case[] {
  const at = (i: number) => VOCABULARY[i % VOCABULARY.length]!;
  const now = Date.now();
  const make: ((i: number) => Case)[] = [
    (i) => ({ kind: "common word", input: { q: at(i % 12) } }),
    (i) => ({ kind: "mid word", input: { q: at(20 + (i % 40)) } }),
    (i) => ({ kind: "rare word", input: { q: at(80 + (i % 40)) } }),
    (i) => ({ kind: "prefix (3–4 letters)", input: { q: at(i % 80).slice(0, 3 + (i % 2)) } }),
    (i) => ({ kind: "two words", input: { q: `${at(i % 10)} ${at(30 + (i % 50))}` } }),
    (i) => ({ kind: "order number", input: { q: `SO-${10000 + ((i * 7919) % 89999)}` } }),
    (i) => ({ kind: "no match", input: { q: `zzq${i}` } }),
    (i) => ({ kind: "filter: chat", input: { q: at(i % 30), chatId: readable[i % readable.length] } }),
    (i) => ({ kind: "filter: has file", input: { q: at(i % 60), hasFile: true } }),
    (i) => ({ kind: "filter: last 7 days", input: { q: at(i % 60), from: new Date(now - 7 * 86_400_000) } }),
    (i) => ({ kind: "filter: person", input: { q: at(i % 60), senderId: `bench-u${1 + (i % (USERS - 1))}` } }),
  ];
  return Array.from({ length: count }, (_, i) => make[i % make.length]!(Math.floor(i / make.length)));
}

async function searches(db: Db, n: number) {
  const reader: Actor = { id: READER, username: READER, name: "Bench Reader", role: "worker" };
  const readable = (
    await rawRows<{ id: string }>(db, sql`select c.id from chats c where c.visibility = 'public' or exists (select 1 from chat_access a where a.chat_id = c.id and a.user_id = ${READER})`)
  ).map((r) => r.id);
  const [visible] = await rawRows<{ count: number }>(db, sql`select count(*)::int as count from messages where chat_id = any(${`{${readable.join(",")}}`}::uuid[])`);
  console.log(`[bench] the reader can read ${readable.length} chats holding ${visible!.count} of ${n} messages`);

  const list = cases(readable, options.searches);
  // Warm-up: the same searches once (plans, caches, JIT), not measured.
  for (const c of list) await searchMessages(db, reader, c.input);

  const all = new Histogram();
  const byKind = new Map<string, { histogram: Histogram; results: number }>();
  for (const c of list) {
    const t = performance.now();
    const page = await searchMessages(db, reader, c.input);
    const elapsed = performance.now() - t;
    all.add(elapsed);
    const entry = byKind.get(c.kind) ?? { histogram: new Histogram(), results: 0 };
    entry.histogram.add(elapsed);
    entry.results += page.results.length;
    byKind.set(c.kind, entry);
  }
  const rows: (string | number)[][] = [["searches", "count", "avg results", "p50 ms", "p99 ms", "max ms"]];
  for (const [kind, { histogram, results }] of byKind) {
    rows.push([kind, histogram.count, round(results / histogram.count, 1), ms(histogram.quantile(0.5)), ms(histogram.quantile(0.99)), ms(histogram.max)]);
  }
  rows.push(["all", all.count, "", ms(all.quantile(0.5)), ms(all.quantile(0.99)), ms(all.max)]);
  console.log(table(rows));
  console.log(JSON.stringify({ bench: "search", messages: n, p50_ms: round(all.quantile(0.5)), p99_ms: round(all.quantile(0.99)) }));
}

runBench(main, options.timeLimit * 1000);
