/**
 * Hot-path statements: built once per shape and run as named prepared statements, with the SQL
 * forms of the access and permission rules they check in their WHERE.
 */
import { createHash } from "node:crypto";
import type { PGlite } from "@electric-sql/pglite";
import { fillPlaceholders, type SQL, sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import pg from "pg";
import { type Db, rawRows } from "~/db/client";
import type { Actor } from "~/server/domain-error";
import { isMembersOnlyRecordChat } from "~/server/services/access";
import { EVENT_LOG_LOCK } from "~/server/services/events";
import { DEFAULT_PERMISSIONS, type Permission } from "~/server/services/permissions";

const dialect = new PgDialect();
const statementNames = new Map<string, string>();

/** A prepared statement's name on PostgreSQL: one per text, the same on every instance. */
const statementName = (text: string) => `floorchat_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;

/**
 * Runs a hot-path statement. On PostgreSQL as a named prepared statement: each pooled
 * connection parses and plans its text once, not on every send. (PGlite is in-process: there
 * is no round trip to save and its driver has no named statements.)
 */
export async function runStatement<T>(db: Db, query: SQL): Promise<T[]> {
  const client = (db as unknown as { $client: unknown }).$client;
  if (!(client instanceof pg.Pool)) return rawRows<T>(db, query);
  const { sql: text, params } = dialect.sqlToQuery(query);
  let name = statementNames.get(text);
  if (!name) {
    name = statementName(text);
    statementNames.set(text, name);
  }
  const result = await client.query<T & pg.QueryResultRow>({ name, text, values: params });
  return result.rows;
}

/** A statement whose text depends only on its shape, its values bound as placeholders. */
type Compiled = { name: string; text: string; params: unknown[] };
const compiledStatements = new Map<string, Compiled>();

/**
 * Builds a hot statement's text once per shape (`key`, unique per statement and shape) instead
 * of on every call: assembling and rendering the SQL tree cost as much CPU as the rest of a send.
 */
export function compiled(key: string, build: () => SQL): Compiled {
  let statement = compiledStatements.get(key);
  if (!statement) {
    const { sql: text, params } = dialect.sqlToQuery(build());
    statement = { name: statementName(text), text, params };
    compiledStatements.set(key, statement);
  }
  return statement;
}

export async function runCompiled<T>(db: Db, statement: Compiled, values: Record<string, unknown>): Promise<T[]> {
  const client = (db as unknown as { $client: unknown }).$client;
  const filled = fillPlaceholders(statement.params, values);
  if (client instanceof pg.Pool) {
    const result = await client.query<T & pg.QueryResultRow>({ name: statement.name, text: statement.text, values: filled });
    return result.rows;
  }
  // PGlite: the same text and values (its rows need none of drizzle's timestamp parsers: the
  // statements return no timestamp columns, only ISO text inside JSON).
  return (await (client as PGlite).query<T>(statement.text, filled)).rows;
}

/** The ISO form JSON.stringify gives a Date (milliseconds, UTC), so the stored event matches the stream's. */
export function isoText(column: SQL): SQL {
  return sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** hasPermission (permissions.ts) as an expression: an own boolean in the settings overrides the role's default. */
export function permitted(actor: Pick<Actor, "role">, permission: Permission): SQL {
  if (actor.role === "admin") return sql`true`;
  const value = sql`(s.value -> ${actor.role}::text -> ${permission}::text)`;
  return sql`coalesce(
    (select case when jsonb_typeof(${value}) = 'boolean' then (${value})::text::boolean end from settings s where s.key = 'permissions'),
    ${DEFAULT_PERMISSIONS[actor.role][permission]}::boolean
  )`;
}

/**
 * Everyone who may read the chat `chats` (canReadChat's rule turned around, from the access
 * tables only), deactivated people left out; null when everyone may. Read in the writing
 * statement's snapshot, so it is the audience at the event's commit.
 */
export function audienceOf(): SQL {
  const membersOnly = isMembersOnlyRecordChat();
  const byList = sql`(chats.kind = 'room' or (chats.kind = 'entity' and ${membersOnly}))`;
  return sql`case when chats.kind = 'company' or (chats.kind = 'room' and chats.visibility = 'public') then null else array(
    select distinct r.user_id from (
      select cm.user_id from chat_members cm
        where cm.chat_id = chats.id and (chats.kind in ('direct', 'system', 'sms') or (chats.kind = 'entity' and not ${membersOnly}))
      union all select chats.created_by where chats.kind = 'room'
      union all select ca.user_id from chat_access ca where ca.chat_id = chats.id and ca.user_id is not null and ${byList}
      union all select gm.user_id from chat_access ca join group_members gm on gm.group_id = ca.group_id where ca.chat_id = chats.id and ${byList}
    ) r
    -- Driven from the access rows, one key lookup each: a join with users let the planner loop
    -- over every user per access row (O(members²): 18 ms for a chat of 200).
    where not exists (select 1 from users u where u.id = r.user_id and u.deactivated_at is not null)
  ) end`;
}

/**
 * The last two CTEs of a statement that changes a message: `locked` takes the event-order lock
 * as the statement's last step (a data dependency of the event insert, so it runs, and after
 * everything it reads from `dto`), then `logged` appends the event with `dto`'s message.
 * Expects a CTE `dto (chat_id, message)` before it; ends without a trailing comma.
 */
export function announced(type: "message.created" | "message.updated"): SQL {
  // A literal from the union above, never input: it names the event in the log.
  const name = sql.raw(`'${type}'`);
  return sql`
      locked as (
        select d.chat_id, d.message, pg_advisory_xact_lock(${EVENT_LOG_LOCK})::text as lock from dto d
      ),
      logged as (
        insert into events (chat_id, type, payload)
        select l.chat_id, ${name}, jsonb_build_object('type', ${name}, 'chatId', l.chat_id, 'message', l.message)
        from locked l
        returning id
      )`;
}
