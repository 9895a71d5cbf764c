import { type SQL, sql } from "drizzle-orm";
import { type Db, rawRows } from "~/db/client";
import type { Actor } from "~/server/domain-error";
import type { MessageDto } from "~/contracts/messages";
import { canReadChat } from "~/server/services/access";
import { announced, audienceOf, compiled, isoText, permitted, runCompiled } from "./statement";

/** How much of a quoted message a reply carries, in characters. */
export const QUOTE_PREVIEW_LENGTH = 280;

export type SendStatementInput = {
  chatId: string;
  clientId: string;
  body: string;
  replyToId: string | null;
  attachmentIds: string[];
  mentionUserIds: string[];
  mentionEntityIds: string[];
};

/** The parts of a send that vary, as SQL: placeholders in the compiled statement, values in diagnoseSend. */
type SendTerms = {
  actorId: SQL;
  chatId: SQL;
  replyToId: SQL;
  /** A jsonb array of the files' ids, and how many there are. */
  fileIds: SQL;
  fileCount: SQL;
};

const uuidList = (jsonIds: SQL) => sql`(select x::uuid from jsonb_array_elements_text(${jsonIds}) x)`;

/** The quoted message is in the chat (`chat`: an expression for the chat's id). */
function replyOk(t: SendTerms, hasReply: boolean, chat: SQL): SQL {
  if (!hasReply) return sql`true`;
  return sql`exists (select 1 from messages q where q.id = ${t.replyToId} and q.chat_id = ${chat})`;
}

/** The actor's uploads to this chat among the send's files (`free`: only those not yet sent). */
function ownUploads(t: SendTerms, chat: SQL, free: boolean): SQL {
  return sql`select a.id from attachments a
    where a.id in ${uuidList(t.fileIds)} and a.uploader_id = ${t.actorId} and a.chat_id = ${chat}${free ? sql` and a.message_id is null` : sql``}`;
}

/** Every file was uploaded by the actor to this chat and is not yet sent. */
function attachmentsOk(t: SendTerms, hasFiles: boolean, chat: SQL): SQL {
  if (!hasFiles) return sql`true`;
  return sql`(select count(*) from (${ownUploads(t, chat, true)}) a) = ${t.fileCount}`;
}

/** One of the files is the actor's upload to this chat but already went out with a message. */
function attachmentsTaken(t: SendTerms, hasFiles: boolean, chat: SQL): SQL {
  if (!hasFiles) return sql`false`;
  return sql`exists (${ownUploads(t, chat, false)} and a.message_id is not null)`;
}

export type SendResult = {
  eventId: number;
  message: MessageDto;
  /** null: everyone may read the chat. */
  audience: string[] | null;
  mentionedUserIds: string[];
  hooked: boolean;
};

type SendRow = { event_id: string | number; message: Omit<MessageDto, "createdAt"> & { createdAt: string }; audience: string[] | null; mentioned_user_ids: string[]; hooked: number };

type SendShape = { files: boolean; mentions: boolean; reply: boolean };

/** runSend's statement for one shape, every value a placeholder (runSend binds them). */
function sendStatement(role: Actor["role"], shape: SendShape): SQL {
  const value = (name: string) => sql`${sql.placeholder(name)}`;
  const actorId = value("actorId");
  const chatId = sql`${value("chatId")}::uuid`;
  const t: SendTerms = {
    actorId,
    chatId,
    replyToId: sql`${value("replyToId")}::uuid`,
    fileIds: sql`${value("fileIds")}::jsonb`,
    fileCount: value("fileCount"),
  };
  const hasFiles = shape.files;
  const hasMentions = shape.mentions;
  const reply = shape.reply ? t.replyToId : sql`null::uuid`;
  // The files' rows are locked before anything is written, and counted after the lock: a send
  // racing this one for a file has either bound it (committed, so FOR UPDATE re-reads the row
  // and drops it, and this send is refused whole) or waits here until this one commits. A check
  // in the chat UPDATE alone would read the statement's snapshot, where the other send's
  // binding is not yet visible, and this send would go out without the file. Locked in id
  // order, so two sends naming the same files in different orders queue instead of deadlocking.
  const claimed = hasFiles
    ? sql`claimed as materialized (${ownUploads(t, chatId, true)} order by a.id for update of a),`
    : sql``;
  const filesOk = hasFiles ? sql`(select count(*) from claimed) = ${t.fileCount}` : sql`true`;
  const bound = hasFiles
    ? sql`bound as (
        update attachments a set message_id = m.id from msg m
        where a.id in ${uuidList(t.fileIds)} and a.uploader_id = ${actorId} and a.chat_id = m.chat_id and a.message_id is null
        returning a.id, a.name, a.content_type, a.size, a.width, a.height, a.created_at
      ),`
    : sql``;
  const mentioned = hasMentions
    ? sql`mentioned as (
        insert into message_mentions (message_id, chat_id, seq, kind, user_id, entity_id)
        select m.id, m.chat_id, m.seq, 'user'::mention_kind, u.id, null::uuid
          from msg m join users u on u.id in (select jsonb_array_elements_text(${value("mentionUserIds")}::jsonb))
        union all
        select m.id, m.chat_id, m.seq, 'entity'::mention_kind, null::text, e.id
          from msg m join entities e on e.id in ${uuidList(sql`${value("mentionEntityIds")}::jsonb`)}
        returning id, kind, user_id, entity_id
      ),`
    : sql``;
  const attachmentsJson = hasFiles
    ? sql`coalesce((select jsonb_agg(jsonb_build_object(
          'id', b.id, 'name', b.name, 'contentType', b.content_type, 'size', b.size,
          'kind', case when b.content_type like 'image/%' then 'image' else 'file' end,
          'width', b.width, 'height', b.height) order by b.created_at, b.id) from bound b), '[]'::jsonb)`
    : sql`'[]'::jsonb`;
  const mentionsJson = hasMentions
    ? sql`jsonb_build_object(
        'users', coalesce((select jsonb_agg(jsonb_build_object('id', u.id, 'name', u.name) order by mm.id)
          from mentioned mm join users u on u.id = mm.user_id where mm.kind = 'user'), '[]'::jsonb),
        'entities', coalesce((select jsonb_agg(jsonb_build_object('id', e.id, 'type', e.type, 'key', e.key, 'title', e.title, 'status', e.status) order by mm.id)
          from mentioned mm join entities e on e.id = mm.entity_id where mm.kind = 'entity'), '[]'::jsonb))`
    : sql`'{"users": [], "entities": []}'::jsonb`;
  const mentionedUsers = hasMentions ? sql`array(select mm.user_id from mentioned mm where mm.kind = 'user')` : sql`array[]::text[]`;
  const replyJson = shape.reply
    ? sql`(select jsonb_build_object('id', q.id, 'seq', q.seq,
          'senderName', coalesce(qs.name, case when q.sender_kind = 'system' then coalesce(q.sender_label, 'System') else coalesce(q.sender_label, '') end),
          'body', case when q.deleted_at is null then left(q.body, ${QUOTE_PREVIEW_LENGTH}::int) end)
        from messages q left join users qs on qs.id = q.sender_id where q.id = m.reply_to_id)`
    : sql`null::jsonb`;

  // `kind <> 'sms'`: an SMS window's message goes to a phone (sms/send.ts, after this refuses it).
  return sql`with
      ${claimed}
      bumped as (
        update chats set last_seq = chats.last_seq + 1, last_message_at = now()
        where chats.id = ${chatId}
          and ${canReadChat(actorId)}
          and ${permitted({ role }, "useChat")}
          and chats.kind <> 'sms'
          and ${replyOk(t, shape.reply, sql`chats.id`)}
          and ${filesOk}
        returning chats.id, chats.kind, chats.entity_type, chats.entity_key, chats.last_seq
      ),
      msg as (
        insert into messages (chat_id, seq, sender_kind, sender_id, client_id, body, reply_to_id)
        select b.id, b.last_seq, 'user'::sender_kind, ${actorId}, ${value("clientId")}, ${value("body")}, ${reply} from bumped b
        returning id, chat_id, seq, kind, client_id, body, reply_to_id, created_at
      ),
      member as (
        insert into chat_members (chat_id, user_id, last_read_seq)
        select m.chat_id, ${actorId}, m.seq from msg m
        on conflict (chat_id, user_id) do update set last_read_seq = greatest(chat_members.last_read_seq, excluded.last_read_seq)
        returning 1
      ),
      ${bound}
      ${mentioned}
      hooks as (
        insert into webhook_deliveries (webhook_id, event, payload)
        select w.id, 'message.created', jsonb_build_object('event', 'message.created', 'data', jsonb_build_object(
          'chat', jsonb_build_object('id', b.id, 'entity', jsonb_build_object('type', b.entity_type, 'key', b.entity_key)),
          'message', jsonb_build_object('id', m.id, 'seq', m.seq, 'body', m.body,
            'sender', jsonb_build_object('id', ${actorId}::text, 'username', ${value("username")}::text, 'name', ${value("name")}::text),
            'createdAt', ${isoText(sql`m.created_at`)})))
        from bumped b join msg m on m.chat_id = b.id join webhooks w on w.active and 'message.created' = any(w.events)
        where b.kind = 'entity'
        returning 1
      ),
      dto as (
        select m.chat_id,
          jsonb_build_object(
            'id', m.id, 'chatId', m.chat_id, 'seq', m.seq, 'kind', m.kind,
            'sender', jsonb_build_object('kind', 'user', 'id', ${actorId}::text, 'name', (select u.name from users u where u.id = ${actorId})),
            'clientId', m.client_id, 'body', m.body, 'replyTo', ${replyJson},
            'data', null, 'editedAt', null, 'deletedAt', null, 'createdAt', ${isoText(sql`m.created_at`)},
            'attachments', ${attachmentsJson}, 'mentions', ${mentionsJson}, 'reactions', '[]'::jsonb
          ) as message,
          (select ${audienceOf()} from chats where chats.id = m.chat_id) as audience,
          ${mentionedUsers} as mentioned_user_ids,
          (select count(*) from hooks)::int as hooked,
          (select count(*) from member)::int as joined
        from msg m
      ),
      ${announced("message.created")}
    select l.id as event_id, d.message, d.audience, d.mentioned_user_ids, d.hooked, d.joined from dto d, logged l`;
}

/**
 * A send as one autocommit statement: locks the files' rows, checks access, the permission,
 * the quoted message and the files in the chat row's UPDATE (which also serialises the chat's
 * senders on its row lock), then inserts the message, moves the sender's read position, binds
 * files, stores mentions, queues webhooks and appends the event. Every part is read by the `dto` row, so
 * all of them have run before `locked` takes the event-order lock: it is held for the event
 * insert and the commit only. A reused client id is a unique violation that aborts the whole
 * statement (last_seq included); the caller then returns the original. No row: refused
 * (see diagnoseSend).
 */
export async function runSend(db: Db, actor: Actor, input: SendStatementInput): Promise<SendResult | null> {
  const shape: SendShape = {
    files: input.attachmentIds.length > 0,
    mentions: input.mentionUserIds.length + input.mentionEntityIds.length > 0,
    reply: input.replyToId !== null,
  };
  const statement = compiled(`send:${actor.role}:${+shape.files}${+shape.mentions}${+shape.reply}`, () => sendStatement(actor.role, shape));
  const rows = await runCompiled<SendRow>(db, statement, {
    actorId: actor.id,
    username: actor.username,
    name: actor.name,
    chatId: input.chatId,
    clientId: input.clientId,
    body: input.body,
    replyToId: input.replyToId,
    fileIds: JSON.stringify(input.attachmentIds),
    fileCount: input.attachmentIds.length,
    mentionUserIds: JSON.stringify(input.mentionUserIds),
    mentionEntityIds: JSON.stringify(input.mentionEntityIds),
  });
  const row = rows[0];
  if (!row) return null;
  return {
    eventId: Number(row.event_id),
    message: { ...row.message, createdAt: new Date(row.message.createdAt) },
    audience: row.audience,
    mentionedUserIds: row.mentioned_user_ids,
    hooked: row.hooked > 0,
  };
}

export type SendRefusal = {
  existingId: string | null;
  /** null: no such chat. */
  readable: boolean | null;
  permitted: boolean;
  /** An SMS chat window: the message is texted (sms/send.ts). */
  sms: boolean;
  replyOk: boolean;
  attachmentsOk: boolean;
  /** A file already went out with another message. */
  attachmentsTaken: boolean;
};

/** Why runSend wrote nothing, in one query: an earlier message with this client id, or which check failed. */
export async function diagnoseSend(db: Db, actor: Actor, input: SendStatementInput): Promise<SendRefusal> {
  const chat = sql`${input.chatId}::uuid`;
  const hasFiles = input.attachmentIds.length > 0;
  const t: SendTerms = {
    actorId: sql`${actor.id}`,
    chatId: chat,
    replyToId: sql`${input.replyToId}::uuid`,
    fileIds: sql`${JSON.stringify(input.attachmentIds)}::jsonb`,
    fileCount: sql`${input.attachmentIds.length}`,
  };
  const [row] = await rawRows<{ existing_id: string | null; readable: boolean | null; permitted: boolean; sms: boolean; reply_ok: boolean; attachments_ok: boolean; attachments_taken: boolean }>(
    db,
    sql`select
      (select m.id from messages m where m.sender_id = ${actor.id} and m.client_id = ${input.clientId}) as existing_id,
      (select ${canReadChat(actor.id)} from chats where chats.id = ${chat}) as readable,
      ${permitted(actor, "useChat")} as permitted,
      coalesce((select chats.kind = 'sms' from chats where chats.id = ${chat}), false) as sms,
      ${replyOk(t, input.replyToId !== null, chat)} as reply_ok,
      ${attachmentsOk(t, hasFiles, chat)} as attachments_ok,
      ${attachmentsTaken(t, hasFiles, chat)} as attachments_taken`,
  );
  return {
    existingId: row!.existing_id,
    readable: row!.readable,
    permitted: row!.permitted,
    sms: row!.sms,
    replyOk: row!.reply_ok,
    attachmentsOk: row!.attachments_ok,
    attachmentsTaken: row!.attachments_taken,
  };
}
