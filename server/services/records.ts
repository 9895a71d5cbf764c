import { and, eq } from "drizzle-orm";
import type { Db, Tx } from "~/db/client";
import { chats, entities, type Entity } from "~/db/schema";
import { DomainError } from "~/server/domain-error";
import { type Author, isTokenRef, writeAudit } from "./audit";
import type { Deps } from "./deps";
import { type PendingEvent, appendEvents } from "./events";
import { insertSystemMessage } from "~/server/services/message/system";

/** Records pushed by the host system (PRODUCT.md W2). */
export type RecordInput = {
  title: string;
  status?: string | null;
  url?: string | null;
  fields?: Record<string, unknown>;
};

export type RecordDto = {
  type: string;
  key: string;
  title: string;
  status: string | null;
  url: string | null;
  fields: Record<string, unknown>;
  chatId: string | null;
  createdAt: string;
  updatedAt: string;
};

function toDto(entity: Entity, chatId: string | null): RecordDto {
  return {
    type: entity.type,
    key: entity.key,
    title: entity.title,
    status: entity.status,
    url: entity.url,
    fields: entity.fields,
    chatId,
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
  };
}

async function entityChatId(db: Db | Tx, type: string, key: string): Promise<string | null> {
  const [chat] = await db
    .select({ id: chats.id })
    .from(chats)
    .where(and(eq(chats.kind, "entity"), eq(chats.entityType, type), eq(chats.entityKey, key)));
  return chat?.id ?? null;
}

/**
 * Creates or updates a record, inside the caller's transaction. A status change posts a system
 * line in the record's chat and tells its readers, so open headers update live: the events are
 * returned, not logged, for the caller to append with its others as its transaction's last
 * statement (appendEvents).
 */
export async function upsertRecordInTx(
  tx: Tx,
  author: Author,
  type: string,
  key: string,
  input: RecordInput,
): Promise<{ record: RecordDto; created: boolean; events: PendingEvent[] }> {
  const [before] = await tx.select().from(entities).where(and(eq(entities.type, type), eq(entities.key, key))).for("update");
  const values = {
    title: input.title,
    status: input.status === undefined ? (before?.status ?? null) : input.status,
    url: input.url === undefined ? (before?.url ?? null) : input.url,
    fields: input.fields ?? before?.fields ?? {},
  };
  const [entity] = before
    ? await tx.update(entities).set(values).where(eq(entities.id, before.id)).returning()
    : await tx.insert(entities).values({ type, key, ...values }).returning();
  await writeAudit(tx, author, {
    action: before ? "record.update" : "record.create",
    targetType: "entity",
    targetId: `${type}:${key}`,
    before: before ? { title: before.title, status: before.status, url: before.url } : null,
    after: { title: values.title, status: values.status, url: values.url },
  });
  const chatId = await entityChatId(tx, type, key);
  const events: PendingEvent[] = [];
  if (chatId && before && (before.status !== values.status || before.title !== values.title || before.url !== values.url)) {
    if (before.status !== values.status) {
      const { event } = await insertSystemMessage(tx, {
        chatId,
        body: `Status: ${before.status ?? "—"} → ${values.status ?? "—"}`,
        kind: "system",
        label: isTokenRef(author) ? author.name : null,
        data: { type: "status", from: before.status, to: values.status },
      });
      events.push({ event });
    }
    events.push({ event: { type: "chat.changed", chatId, reason: "entity" } });
  }
  return { record: toDto(entity!, chatId), created: !before, events };
}

export async function upsertRecord(deps: Deps, author: Author, type: string, key: string, input: RecordInput) {
  const { record, created, envelopes } = await deps.db.transaction(async (tx) => {
    const { events, ...upsert } = await upsertRecordInTx(tx, author, type, key, input);
    return { ...upsert, envelopes: await appendEvents(tx, events) };
  });
  deps.realtime.publish(envelopes);
  return { record, created };
}

export async function getRecord(db: Db, type: string, key: string): Promise<RecordDto> {
  const [entity] = await db.select().from(entities).where(and(eq(entities.type, type), eq(entities.key, key)));
  if (!entity) throw new DomainError("not_found", `No ${type} with key ${key}`);
  return toDto(entity, await entityChatId(db, type, key));
}
