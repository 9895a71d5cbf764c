import { sql } from "drizzle-orm";
import type { Db } from "~/db/client";
import type { Actor } from "~/server/domain-error";
import { canReadChat } from "~/server/services/access";
import { EVENT_LOG_LOCK } from "~/server/services/events";
import { audienceOf, runStatement } from "./statement";

export type MarkReadResult =
  | { outcome: "not_found" }
  | { outcome: "forbidden" }
  | { outcome: "unchanged"; lastReadSeq: number }
  | { outcome: "moved"; lastReadSeq: number; eventId: number; only: string[] | null; audience: string[] | null };

/**
 * Moves the actor's read position forward (never back) and appends the `read` event, in one
 * statement, the event-order lock taken last as in runSend. In a chat everyone reads, the event
 * goes only to the reader and the authors whose messages it newly covers (their ✓✓).
 */
export async function runMarkRead(db: Db, actor: Actor, input: { chatId: string; seq: number }): Promise<MarkReadResult> {
  const [row] = await runStatement<{ found: boolean; readable: boolean; previous: string | number | null; moved: string | number | null; event_id: string | number | null; only: string[] | null; audience: string[] | null }>(
    db,
    sql`with
      chat as (
        select chats.id, chats.kind, chats.visibility, least(${input.seq}::bigint, chats.last_seq) as target,
          (select ${audienceOf()}) as audience
        from chats where chats.id = ${input.chatId}::uuid and ${canReadChat(actor.id)}
      ),
      before as (
        select cm.last_read_seq from chat_members cm join chat c on c.id = cm.chat_id where cm.user_id = ${actor.id}
      ),
      moved as (
        insert into chat_members (chat_id, user_id, last_read_seq)
        select c.id, ${actor.id}, c.target from chat c
        on conflict (chat_id, user_id) do update set last_read_seq = excluded.last_read_seq
          where chat_members.last_read_seq < excluded.last_read_seq
        returning chat_id, last_read_seq
      ),
      prep as (
        select c.id, m.last_read_seq as target, c.audience,
          case when c.kind = 'company' or (c.kind = 'room' and c.visibility = 'public') then array(
            select ${actor.id}::text
            union
            select ms.sender_id from messages ms
            where ms.chat_id = c.id and ms.seq > coalesce((select b.last_read_seq from before b), 0) and ms.seq <= m.last_read_seq and ms.sender_id is not null
          ) end as only
        from chat c join moved m on m.chat_id = c.id
      ),
      locked as (
        select p.*, pg_advisory_xact_lock(${EVENT_LOG_LOCK})::text as lock from prep p
      ),
      logged as (
        insert into events (chat_id, only_user_ids, type, payload)
        select l.id, l.only, 'read', jsonb_build_object('type', 'read', 'chatId', l.id, 'userId', ${actor.id}::text, 'seq', l.target)
        from locked l
        returning id
      )
    select
      exists (select 1 from chats where chats.id = ${input.chatId}::uuid) as found,
      exists (select 1 from chat) as readable,
      (select b.last_read_seq from before b) as previous,
      (select p.target from prep p) as moved,
      (select l.id from logged l) as event_id,
      (select p.only from prep p) as only,
      (select p.audience from prep p) as audience`,
  );
  if (!row!.found) return { outcome: "not_found" };
  if (!row!.readable) return { outcome: "forbidden" };
  if (row!.moved === null || row!.event_id === null) return { outcome: "unchanged", lastReadSeq: Number(row!.previous ?? 0) };
  return { outcome: "moved", lastReadSeq: Number(row!.moved), eventId: Number(row!.event_id), only: row!.only, audience: row!.audience };
}
