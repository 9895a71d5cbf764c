import { type SQL, sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import { type Actor, DomainError } from "~/server/domain-error";
import type { MessageDto } from "~/contracts/messages";
import { canReadChat } from "~/server/services/access";
import { QUOTE_PREVIEW_LENGTH } from "./send-statement";
import { announced, audienceOf, isoText, permitted, runStatement } from "./statement";

/**
 * Edit, delete and react, each as one autocommit statement in the manner of runSend: the checks
 * in the WHERE of the message's UPDATE, the writes, the fresh DTO, then the event-order lock as a
 * data dependency of the event insert, so it is held for that insert and the commit only.
 *
 * Every one of them writes the message row (a react with a no-op assignment), which serialises
 * the changes to one message on its row lock. The parts of a statement share the snapshot taken
 * at its start, so one that waited for that lock has read a message, reactions and a body that
 * are no longer current; its UPDATE requires the row version it read (`xmin`), which the change
 * it waited for replaced, so it writes nothing and the caller runs it again on a fresh snapshot.
 * Thus each event carries the message as it is at that event's commit, and the distinct-emoji
 * limit holds however many people react at once.
 */

/** The row that the DTO is built from, as `alias.column` (a message row or an UPDATE's RETURNING). */
const col = (alias: string, column: string) => sql.raw(`${alias}.${column}`);

/** The columns of a message a DTO needs: the RETURNING of a change, so its DTO shows the new values. */
const DTO_COLUMNS = sql.raw(
  ["id", "chat_id", "seq", "kind", "sender_kind", "sender_id", "sender_label", "client_id", "body", "data", "reply_to_id", "edited_at", "deleted_at", "created_at"]
    .map((c) => `messages.${c}`)
    .join(", "),
);

/** Reactions (user_id, emoji, created_at) grouped as ReactionDto: emoji in order of first use, people in order of reacting. */
function reactionsJson(reactions: SQL): SQL {
  return sql`coalesce((select jsonb_agg(jsonb_build_object('emoji', g.emoji, 'count', g.n, 'users', g.users) order by g.first)
    from (select x.emoji, count(*)::int as n, min(x.rn) as first,
        jsonb_agg(jsonb_build_object('id', x.user_id, 'name', x.name) order by x.rn) as users
      from (select r.emoji, r.user_id, u.name, row_number() over (order by r.created_at, r.user_id) as rn
        from ${reactions} r join users u on u.id = r.user_id) x
      group by x.emoji) g), '[]'::jsonb)`;
}

/**
 * The MessageDto of the message row `m` as JSON, the same as loadMessage gives (messages.ts
 * toDto): a deleted message shows no body, data, files, mentions or reactions. `reactions` is
 * the relation of its reactions, so a statement that changes them can pass the changed set.
 */
function messageJson(m: string, reactions: SQL): SQL {
  const c = (column: string) => col(m, column);
  const systemName = (kind: SQL, label: SQL) => sql`case when ${kind} = 'system' then coalesce(${label}, 'System') else coalesce(${label}, '') end`;
  const live = sql`${c("deleted_at")} is null`;
  return sql`jsonb_build_object(
    'id', ${c("id")}, 'chatId', ${c("chat_id")}, 'seq', ${c("seq")}, 'kind', ${c("kind")},
    'sender', jsonb_build_object('kind', ${c("sender_kind")}, 'id', ${c("sender_id")},
      'name', coalesce((select u.name from users u where u.id = ${c("sender_id")}), ${systemName(c("sender_kind"), c("sender_label"))})),
    'clientId', ${c("client_id")},
    'body', case when ${live} then ${c("body")} end,
    'replyTo', (select jsonb_build_object('id', q.id, 'seq', q.seq,
        'senderName', coalesce(qs.name, ${systemName(sql`q.sender_kind`, sql`q.sender_label`)}),
        'body', case when q.deleted_at is null then left(q.body, ${QUOTE_PREVIEW_LENGTH}::int) end)
      from messages q left join users qs on qs.id = q.sender_id where q.id = ${c("reply_to_id")}),
    'data', case when ${live} then ${c("data")} end,
    'editedAt', ${isoText(c("edited_at"))}, 'deletedAt', ${isoText(c("deleted_at"))}, 'createdAt', ${isoText(c("created_at"))},
    'attachments', case when ${live} then coalesce((select jsonb_agg(jsonb_build_object(
        'id', a.id, 'name', a.name, 'contentType', a.content_type, 'size', a.size,
        'kind', case when a.content_type like 'image/%' then 'image' else 'file' end,
        'width', a.width, 'height', a.height) order by a.created_at, a.id)
      from attachments a where a.message_id = ${c("id")}), '[]'::jsonb) else '[]'::jsonb end,
    'mentions', case when ${live} then jsonb_build_object(
      'users', coalesce((select jsonb_agg(jsonb_build_object('id', u.id, 'name', u.name) order by mm.id)
        from message_mentions mm join users u on u.id = mm.user_id where mm.message_id = ${c("id")} and mm.kind = 'user'), '[]'::jsonb),
      'entities', coalesce((select jsonb_agg(jsonb_build_object('id', e.id, 'type', e.type, 'key', e.key, 'title', e.title, 'status', e.status) order by mm.id)
        from message_mentions mm join entities e on e.id = mm.entity_id where mm.message_id = ${c("id")} and mm.kind = 'entity'), '[]'::jsonb))
      else '{"users": [], "entities": []}'::jsonb end,
    'reactions', case when ${live} then ${reactionsJson(reactions)} else '[]'::jsonb end
  )`;
}

type DtoJson = Omit<MessageDto, "createdAt" | "editedAt" | "deletedAt"> & { createdAt: string; editedAt: string | null; deletedAt: string | null };

function fromJson(message: DtoJson): MessageDto {
  return {
    ...message,
    editedAt: message.editedAt === null ? null : new Date(message.editedAt),
    deletedAt: message.deletedAt === null ? null : new Date(message.deletedAt),
    createdAt: new Date(message.createdAt),
  };
}

/** The message as the statement's snapshot saw it: null when there is no such message. */
type Seen = { readable: boolean; live: boolean };

/** A change that was made and announced: the fresh DTO, its event and who may read the chat. */
export type Announced = { message: MessageDto; eventId: number; audience: string[] | null };

/** The message as the snapshot saw it and whether the chat is readable (null: the message does not exist). */
function seenSql(actor: Actor, messageId: string, extra: SQL): SQL {
  return sql`seen as (
    select m.id, m.chat_id, m.body, m.xmin as version, m.deleted_at is null as live,
      (select ${canReadChat(actor.id)} from chats where chats.id = m.chat_id) as readable,
      ${extra}
    from messages m where m.id = ${messageId}::uuid
  )`;
}

export type ChangeResult =
  | { outcome: "not_found" }
  | { outcome: "forbidden" }
  | { outcome: "deleted" }
  | { outcome: "not_author" }
  | { outcome: "same_body" }
  /** Every check passed on a snapshot that a concurrent change made stale: run it again. */
  | { outcome: "raced" }
  | ({ outcome: "changed" } & Announced);

type ChangeRow = Partial<Seen> & { allowed: boolean | null; same: boolean | null; event_id: string | number | null; message: DtoJson | null; audience: string[] | null };

/**
 * Edits (a new body) or deletes (body: null; a tombstone, the old body kept in the audit log)
 * a message the actor may read, if they wrote it or may moderate, with its audit row.
 */
export async function runChange(db: Db, actor: Actor, input: { messageId: string; body: string | null }): Promise<ChangeResult> {
  const editing = input.body !== null;
  const allowed = sql`((m.sender_kind = 'user' and m.sender_id = ${actor.id}) or ${permitted(actor, "moderateMessages")}) as allowed,
    ${editing ? sql`m.body = ${input.body}` : sql`false`} as same`;
  const [row] = await runStatement<ChangeRow>(
    db,
    sql`with
      ${seenSql(actor, input.messageId, allowed)},
      changed as (
        update messages set ${editing ? sql`body = ${input.body}, edited_at = now()` : sql`body = '', deleted_at = now()`}
        from seen s
        where messages.id = s.id and messages.xmin = s.version and s.readable and s.live and s.allowed and not s.same
        returning ${DTO_COLUMNS}
      ),
      audited as (
        insert into audit_log (actor_kind, actor_id, action, target_type, target_id, before, after)
        select 'user'::actor_kind, ${actor.id}, ${editing ? "message.edit" : "message.delete"}, 'message', c.id::text,
          jsonb_build_object('body', s.body), ${editing ? sql`jsonb_build_object('body', c.body)` : sql`null::jsonb`}
        from changed c join seen s on s.id = c.id
        returning 1
      ),
      dto as (
        select c.chat_id, ${messageJson("c", sql`(select r.user_id, r.emoji, r.created_at from message_reactions r where r.message_id = c.id)`)} as message,
          (select ${audienceOf()} from chats where chats.id = c.chat_id) as audience,
          (select count(*) from audited)::int as audited
        from changed c
      ),
      ${announced("message.updated")}
    select s.readable, s.live, s.allowed, s.same, d.message, d.audience, l.id as event_id
    from (select 1) one left join seen s on true left join dto d on true left join logged l on true`,
  );
  if (row!.readable == null) return { outcome: "not_found" };
  if (!row!.readable) return { outcome: "forbidden" };
  if (!row!.live) return { outcome: "deleted" };
  if (!row!.allowed) return { outcome: "not_author" };
  if (row!.same) return { outcome: "same_body" };
  if (row!.event_id === null) return { outcome: "raced" };
  return { outcome: "changed", message: fromJson(row!.message!), eventId: Number(row!.event_id), audience: row!.audience };
}

export type ReactResult =
  | { outcome: "not_found" }
  | { outcome: "forbidden" }
  | { outcome: "deleted" }
  | { outcome: "too_many" }
  | { outcome: "raced" }
  /** Already so (an add of one there, a removal of one not there): nothing written or announced. */
  | { outcome: "unchanged"; message: MessageDto }
  | ({ outcome: "changed" } & Announced);

type ReactRow = Partial<Seen> & {
  mine: boolean | null;
  used: boolean | null;
  kinds: number | null;
  touched: number;
  message: DtoJson | null;
  audience: string[] | null;
  event_id: string | number | null;
};

/**
 * Adds (on) or removes (off) the actor's reaction with one emoji, at most `maxDistinct`
 * different emoji on a message. The DTO is built from the reactions the snapshot saw with this
 * change applied, since a part of the statement cannot see another part's writes.
 */
export async function runReact(db: Db, actor: Actor, input: { messageId: string; emoji: string; on: boolean }, maxDistinct: number): Promise<ReactResult> {
  const emoji = sql`${input.emoji}::text`;
  const flags = sql`exists (select 1 from message_reactions r where r.message_id = m.id and r.user_id = ${actor.id} and r.emoji = ${emoji}) as mine,
    exists (select 1 from message_reactions r where r.message_id = m.id and r.emoji = ${emoji}) as used,
    (select count(distinct r.emoji) from message_reactions r where r.message_id = m.id)::int as kinds`;
  const wanted = input.on ? sql`not s.mine and (s.used or s.kinds < ${maxDistinct}::int)` : sql`s.mine`;
  const write = input.on
    ? sql`written as (
        insert into message_reactions (message_id, user_id, emoji)
        select t.id, ${actor.id}, ${emoji} from touched t
        returning message_id, user_id, emoji, created_at
      ),
      current as (
        select r.user_id, r.emoji, r.created_at from message_reactions r join seen s on r.message_id = s.id
        union all select w.user_id, w.emoji, w.created_at from written w
      )`
    : sql`written as (
        delete from message_reactions r using touched t
        where r.message_id = t.id and r.user_id = ${actor.id} and r.emoji = ${emoji}
        returning r.user_id
      ),
      current as (
        select r.user_id, r.emoji, r.created_at from message_reactions r join seen s on r.message_id = s.id
        where not (r.user_id = ${actor.id} and r.emoji = ${emoji} and exists (select 1 from written))
      )`;
  const [row] = await runStatement<ReactRow>(
    db,
    sql`with
      ${seenSql(actor, input.messageId, flags)},
      touched as (
        -- A write that changes nothing: it takes the row lock and makes a new row version (see above).
        update messages set edited_at = messages.edited_at from seen s
        where messages.id = s.id and messages.xmin = s.version and s.readable and s.live and ${wanted}
        returning messages.id
      ),
      ${write},
      shown as (
        select m.chat_id, ${messageJson("m", sql`current`)} as message,
          (select ${audienceOf()} from chats where chats.id = m.chat_id) as audience,
          (select count(*) from written)::int as written,
          (select count(*) from touched)::int as touched
        from messages m join seen s on s.id = m.id
        where s.readable and s.live
      ),
      dto as (
        select sh.chat_id, sh.message from shown sh where sh.touched > 0
      ),
      ${announced("message.updated")}
    select s.readable, s.live, s.mine, s.used, s.kinds, coalesce(sh.touched, 0) as touched, sh.message, sh.audience, l.id as event_id
    from (select 1) one left join seen s on true left join shown sh on true left join logged l on true`,
  );
  if (row!.readable == null) return { outcome: "not_found" };
  if (!row!.readable) return { outcome: "forbidden" };
  if (!row!.live) return { outcome: "deleted" };
  if (input.on && !row!.mine && !row!.used && row!.kinds! >= maxDistinct) return { outcome: "too_many" };
  const message = fromJson(row!.message!);
  if (row!.event_id !== null) return { outcome: "changed", message, eventId: Number(row!.event_id), audience: row!.audience };
  if (input.on === row!.mine) return { outcome: "unchanged", message };
  return { outcome: "raced" };
}

/**
 * Each lost race means another change to the message committed, so the runs make progress; the
 * bound only stops one caller from retrying forever behind a stream of others.
 */
const MAX_ATTEMPTS = 100;

/** Runs a change statement until it is not `raced`. */
export async function settled<T extends { outcome: string }>(run: () => Promise<T>): Promise<Exclude<T, { outcome: "raced" }>> {
  for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
    const result = await run();
    if (result.outcome !== "raced") return result as Exclude<T, { outcome: "raced" }>;
  }
  throw new DomainError("conflict", "The message is changing too fast; try again");
}
