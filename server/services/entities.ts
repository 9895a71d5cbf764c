import { and, asc, eq, ilike, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, Tx } from "~/db/client";
import { entities, settings } from "~/db/schema";
import { type Actor, DomainError, isManager } from "~/server/domain-error";
import { writeAudit } from "./audit";
import { enqueueWebhooks } from "./webhooks";
import type { ChatSummary } from "~/server/services/chat/list";
import { openForEntity } from "~/server/services/chat/open";
import type { Deps } from "./deps";
import { assertPermission, hasPermission } from "./permissions";

/**
 * Records (PRODUCT.md W1, W2): what a scanned or typed code stands for, and records made on the
 * spot when a label is not known yet.
 */

/** A key pattern and the record type its codes belong to, as kept in settings `entity_patterns`. */
export type EntityPattern = { pattern: string; type: string };

export const ENTITY_PATTERNS_SETTING = "entity_patterns";
export const DEFAULT_ENTITY_PATTERNS: EntityPattern[] = [{ pattern: "^SO-\\d+$", type: "order" }];

const ZStoredPatterns = z.array(z.object({ pattern: z.string().min(1).max(200), type: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/) }));

type CompiledPattern = { regex: RegExp; type: string };

/**
 * The configured patterns, compiled; the default when none are set. An entry that is not a valid
 * regular expression is skipped rather than failing every scan: one bad setting must not stop
 * the floor from opening orders.
 */
export async function loadEntityPatterns(db: Db | Tx): Promise<CompiledPattern[]> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, ENTITY_PATTERNS_SETTING));
  const parsed = ZStoredPatterns.safeParse(row?.value);
  const patterns = row && parsed.success ? parsed.data : DEFAULT_ENTITY_PATTERNS;
  const compiled: CompiledPattern[] = [];
  for (const { pattern, type } of patterns) {
    try {
      compiled.push({ regex: new RegExp(pattern), type });
    } catch {
      // skipped, see above
    }
  }
  return compiled;
}

/** The record type the first matching pattern gives a code, or null. */
export function typeForCode(patterns: CompiledPattern[], code: string): string | null {
  return patterns.find((p) => p.regex.test(code))?.type ?? null;
}

export type RecordRef = { type: string; key: string; title: string; status: string | null };

export type Resolution =
  | { outcome: "opened"; record: RecordRef; chat: ChatSummary }
  | { outcome: "choose"; code: string; choices: RecordRef[] }
  | { outcome: "not_found"; code: string; suggestedType: string | null; types: string[]; canCreate: boolean };

const refColumns = { type: entities.type, key: entities.key, title: entities.title, status: entities.status };

/** At most this many records share a code across types before we stop listing them. */
const MAX_CHOICES = 20;

/**
 * Finds the record a code stands for: the type from the first key pattern it matches, else the
 * one record of any type whose key is the code (exactly, then ignoring case, for codes typed by
 * hand). One record: its chat is opened, as `chat.openForEntity` would. Several: the choices.
 * None: what the caller needs to offer creating it.
 */
export async function resolveCode(deps: Deps, actor: Actor, code: string): Promise<Resolution> {
  const db = deps.db;
  const patterns = await loadEntityPatterns(db);
  const suggestedType = typeForCode(patterns, code);
  let matches: RecordRef[] = [];
  if (suggestedType) {
    matches = await db
      .select(refColumns)
      .from(entities)
      .where(and(eq(entities.type, suggestedType), eq(entities.key, code)));
  }
  if (matches.length === 0) {
    matches = await db.select(refColumns).from(entities).where(eq(entities.key, code)).orderBy(asc(entities.type)).limit(MAX_CHOICES);
  }
  if (matches.length === 0) {
    matches = await db
      .select(refColumns)
      .from(entities)
      .where(sql`lower(${entities.key}) = lower(${code})`)
      .orderBy(asc(entities.type), asc(entities.key))
      .limit(MAX_CHOICES);
  }
  if (matches.length === 1) {
    const record = matches[0]!;
    const chat = await openForEntity(deps, actor, { type: record.type, key: record.key });
    return { outcome: "opened", record, chat };
  }
  if (matches.length > 1) return { outcome: "choose", code, choices: matches };
  return {
    outcome: "not_found",
    code,
    suggestedType,
    types: await knownTypes(db, patterns),
    canCreate: await hasPermission(db, actor, "createRecords"),
  };
}

/** The types a new record may be given: those of the patterns, then those already in use. */
async function knownTypes(db: Db | Tx, patterns: CompiledPattern[]): Promise<string[]> {
  const inUse = await db.selectDistinct({ type: entities.type }).from(entities).orderBy(asc(entities.type)).limit(100);
  return [...new Set([...patterns.map((p) => p.type), ...inUse.map((row) => row.type)])];
}

export type CreateRecordInput = { type: string; key: string; title?: string | undefined };

/**
 * Creates a record for a code no one knew (a label printed before the host system sent the
 * record) and opens its chat. If the same record was created meanwhile (two people scanning the
 * same new label), the existing one is opened instead and nothing is announced twice.
 */
export async function createRecord(
  deps: Deps,
  actor: Actor,
  input: CreateRecordInput,
): Promise<{ created: boolean; record: RecordRef; chat: ChatSummary }> {
  await assertPermission(deps.db, actor, "createRecords", "You may not create records");
  const title = input.title?.trim() || input.key;
  const created = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(entities)
      .values({ type: input.type, key: input.key, title })
      .onConflictDoNothing()
      .returning();
    if (row) {
      await writeAudit(tx, actor, { action: "entity.create", targetType: "entity", targetId: row.id, after: { type: row.type, key: row.key, title: row.title } });
      // The host system learns of records made on the floor (PRODUCT.md A4), queued with the
      // record so it is announced exactly when it exists, and sent after commit.
      await enqueueWebhooks(tx, "record.created_by_scan", {
        record: { type: row.type, key: row.key, title: row.title, createdAt: row.createdAt.toISOString() },
        createdBy: { id: actor.id, username: actor.username, name: actor.name },
      });
    }
    return row ?? null;
  });
  if (created) void deps.webhooks.kick().catch((error: unknown) => console.error("[webhooks]", error));
  // Whoever made the record on the floor is on its chat's access list (members-only types).
  const chat = await openForEntity(deps, actor, { type: input.type, key: input.key }, { asCreator: created !== null });
  const [record] = await deps.db
    .select(refColumns)
    .from(entities)
    .where(and(eq(entities.type, input.type), eq(entities.key, input.key)));
  return { created: created !== null, record: record!, chat };
}

export type LabelQuery = { type?: string | undefined; keyFilter?: string | undefined; limit: number };

/** Records to print QR labels for (managers and admins): by type and part of the key, in key order. */
export async function listRecordsForLabels(db: Db | Tx, actor: Actor, query: LabelQuery): Promise<RecordRef[]> {
  if (!isManager(actor)) throw new DomainError("forbidden", "Only managers and admins may print labels");
  const conditions = [];
  if (query.type) conditions.push(eq(entities.type, query.type));
  if (query.keyFilter) conditions.push(ilike(entities.key, `%${escapeLike(query.keyFilter)}%`));
  return db
    .select(refColumns)
    .from(entities)
    .where(and(...conditions))
    .orderBy(asc(entities.type), asc(entities.key))
    .limit(query.limit);
}

/** The record types in use, for the label page's type picker. */
export async function listRecordTypes(db: Db | Tx): Promise<string[]> {
  return knownTypes(db, await loadEntityPatterns(db));
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
