/**
 * The floor under bench:latency: a bare node:http server doing only what a send must do, with
 * none of our code (no auth, no tRPC, no Next, no hub). Started by floor.ts as its own process,
 * one per app instance, on the benchmark's database and Redis, and driven by the same client.
 *
 *   POST (any path)  {"json":{"chatId","clientId","body"}}, the sender's id in the `floor_user`
 *                    cookie → ONE prepared autocommit statement (access check, the chat's seq
 *                    bump, the insert, the audience) → one Redis publish → 200 with the row.
 *   GET /api/stream  an SSE stream for the `floor_user` cookie: `ready`, then `message.created`
 *                    frames for the chats the user may read, one prebuilt buffer per event.
 *   GET /api/health  200.
 */
import http from "node:http";
import { Redis } from "ioredis";
import pg from "pg";

const port = Number(process.env.PORT);
const channel = process.env.FLOOR_CHANNEL!;
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const publisher = new Redis(process.env.REDIS_URL!);
const subscriber = new Redis(process.env.REDIS_URL!);

// The table is made by floor.ts before the servers start (bench_floor_messages).
const SEND = `
with c as (
  update chats set last_seq = last_seq + 1
  where id = $1 and (kind = 'company' or exists (select 1 from chat_members m where m.chat_id = $1 and m.user_id = $2))
  returning kind, last_seq
), ins as (
  insert into bench_floor_messages (chat_id, sender_id, client_id, seq, body)
  select $1, $2, $3, c.last_seq, $4 from c
  returning id, seq, created_at
)
select ins.id, ins.seq, ins.created_at, case when c.kind = 'company' then null else array(select user_id from chat_members where chat_id = $1) end as audience
from ins, c`;

type Row = { id: string; seq: string; created_at: Date; audience: string[] | null };

const streams = new Map<string, Set<http.ServerResponse>>();

function userOf(req: http.IncomingMessage): string {
  return /(?:^|;\s*)floor_user=([^;]+)/.exec(req.headers.cookie ?? "")?.[1] ?? "";
}

async function send(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const { chatId, clientId, body } = (JSON.parse(Buffer.concat(chunks).toString()) as { json: { chatId: string; clientId: string; body: string } }).json;
  const senderId = userOf(req);
  const result = await pool.query<Row>({ name: "floor-send", text: SEND, values: [chatId, senderId, clientId, body] });
  const row = result.rows[0];
  if (!row) {
    res.writeHead(403).end();
    return;
  }
  const message = { id: row.id, chatId, seq: Number(row.seq), senderId, clientId, body, createdAt: row.created_at };
  await publisher.publish(channel, JSON.stringify({ audience: row.audience, event: { type: "message.created", message } }));
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ result: { data: { json: message } } }));
}

subscriber.on("message", (_channel: string, text: string) => {
  const { audience, event } = JSON.parse(text) as { audience: string[] | null; event: { message: { id: string } } };
  const frame = Buffer.from(`id: ${event.message.id}\nevent: message.created\ndata: ${JSON.stringify(event)}\n\n`);
  const targets = audience ? audience.map((user) => streams.get(user)) : [...streams.values()];
  for (const set of targets) set?.forEach((res) => res.write(frame));
});

const server = http.createServer((req, res) => {
  if (req.method === "POST") {
    send(req, res).catch((error: unknown) => {
      console.error("[floor]", (error as Error).message);
      if (!res.headersSent) res.writeHead(500).end();
    });
    return;
  }
  if (req.url === "/api/stream") {
    const user = userOf(req);
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
    res.write(`event: ready\ndata: {"lastEventId":0}\n\n`);
    const set = streams.get(user) ?? new Set();
    streams.set(user, set.add(res));
    res.on("close", () => {
      set.delete(res);
      if (set.size === 0) streams.delete(user);
    });
    return;
  }
  res.writeHead(req.url === "/api/health" ? 200 : 404).end();
});
server.keepAliveTimeout = 65_000;

await subscriber.subscribe(channel);
server.listen(port, "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
