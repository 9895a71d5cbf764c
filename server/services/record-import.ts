import { type SQL, and, eq, inArray, sql } from "drizzle-orm";
import type { Db, Tx } from "~/db/client";
import { type Entity, chats, entities } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import { type FileProblemCode, type RowProblemCode } from "~/contracts/record-import";
import { writeAudits } from "./audit";
import type { Deps } from "./deps";
import { type PendingEvent, appendEvents } from "./events";
import { upsertRecordInTx } from "./records";
import { type Problem, problem, readCsv } from "./csv";

/**
 * CSV import of records by an admin (PRODUCT.md W2). A file is a header row naming the columns
 * (`type`, `key`, `title` required; `status`, `url` optional; any other column goes into the
 * record's `fields`), then one record per row. Every row is checked before anything is written,
 * and the import writes all rows in one transaction or none: a preview is only advice, the
 * import checks again.
 */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 5_000;
const REQUIRED_COLUMNS = ["type", "key", "title"] as const;
const KNOWN_COLUMNS = new Set<string>([...REQUIRED_COLUMNS, "status", "url"]);

// The same limits as a record pushed through the REST API (server/rest/schemas.ts).
const TYPE_PATTERN = /^[a-z][a-z0-9_-]*$/;
const MAX_TYPE = 40;
const MAX_KEY = 100;
const MAX_TITLE = 200;
const MAX_STATUS = 60;
const MAX_URL = 2000;
const MAX_FIELDS_JSON = 16_000;
const MAX_FIELD_NAME = 100;



export type ImportRow = {
  /** Line in the file where the row starts (the header is line 1). */
  line: number;
  type: string;
  key: string;
  title: string;
  status?: string | null;
  url?: string | null;
  fields?: Record<string, string>;
  problems: Problem<RowProblemCode>[];
};

export type ParsedImport = { file: Problem<FileProblemCode> | null; rows: ImportRow[] };


function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** Reads and checks every row; writes nothing. */
export function parseRecordCsv(input: string): ParsedImport {
  const read = readCsv(input, { maxBytes: MAX_IMPORT_BYTES, maxRows: MAX_IMPORT_ROWS });
  if ("file" in read) return { file: read.file, rows: [] };
  const [header, ...body] = read.rows;
  if (!header || body.length === 0) {
    return { file: problem("empty", "The file needs a header row (type,key,title…) and at least one record"), rows: [] };
  }

  const columns = header.cells.map((name) => name.trim());
  const lower = columns.map((name) => name.toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((name) => !lower.includes(name));
  if (missing.length > 0) {
    return {
      file: problem("missingColumns", `The header row lacks the column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`, { columns: missing.join(", ") }),
      rows: [],
    };
  }
  for (const [index, name] of columns.entries()) {
    if (!name) return { file: problem("unnamedColumn", `Column ${index + 1} of the header row has no name`, { column: index + 1 }), rows: [] };
    if (name.length > MAX_FIELD_NAME) {
      return { file: problem("longColumnName", `Column ${index + 1} has a name longer than ${MAX_FIELD_NAME} characters`, { column: index + 1 }), rows: [] };
    }
    // Known columns match in any case; a field column only exactly (they become JSON keys).
    const key = KNOWN_COLUMNS.has(lower[index]!) ? lower[index]! : name;
    if (columns.findIndex((other, i) => (KNOWN_COLUMNS.has(lower[i]!) ? lower[i]! : other) === key) !== index) {
      return { file: problem("duplicateColumn", `The column ${name} appears twice`, { column: name }), rows: [] };
    }
  }

  const firstLine = new Map<string, number>();
  const rows = body.map(({ cells, line, badQuotes }): ImportRow => {
    const problems: Problem<RowProblemCode>[] = [];
    const cell = (name: string) => (cells[lower.indexOf(name)] ?? "").trim();
    const type = cell("type");
    const key = cell("key");
    const title = cell("title");
    const row: ImportRow = { line, type, key, title, problems };
    if (badQuotes) {
      problems.push(problem("badQuotes", "A quoted value is not closed properly"));
      return row;
    }
    if (cells.length !== columns.length) {
      problems.push(problem("columnCount", `Has ${cells.length} columns; the header has ${columns.length}`, { found: cells.length, expected: columns.length }));
      return row;
    }
    if (!TYPE_PATTERN.test(type) || type.length > MAX_TYPE) {
      problems.push(problem("badType", `The type “${type}” is not valid: lower-case letters, digits, - and _, starting with a letter`, { type }));
    }
    if (!key) problems.push(problem("missingKey", "The key is missing"));
    else if (key.length > MAX_KEY) problems.push(problem("keyTooLong", `The key is longer than ${MAX_KEY} characters`, { max: MAX_KEY }));
    if (!title) problems.push(problem("missingTitle", "The title is missing"));
    else if (title.length > MAX_TITLE) problems.push(problem("titleTooLong", `The title is longer than ${MAX_TITLE} characters`, { max: MAX_TITLE }));
    if (lower.includes("status")) {
      const status = cell("status");
      if (status.length > MAX_STATUS) problems.push(problem("statusTooLong", `The status is longer than ${MAX_STATUS} characters`, { max: MAX_STATUS }));
      row.status = status || null;
    }
    if (lower.includes("url")) {
      const url = cell("url");
      if (url && (url.length > MAX_URL || !isHttpUrl(url))) problems.push(problem("badUrl", "The url is not an http(s) address"));
      row.url = url || null;
    }
    const extra = columns.flatMap((name, i) => (KNOWN_COLUMNS.has(lower[i]!) || !cells[i]?.trim() ? [] : [[name, cells[i].trim()] as const]));
    if (columns.some((_, i) => !KNOWN_COLUMNS.has(lower[i]!))) {
      row.fields = Object.fromEntries(extra);
      if (JSON.stringify(row.fields).length > MAX_FIELDS_JSON) {
        problems.push(problem("fieldsTooLong", `The other columns hold more than ${MAX_FIELDS_JSON} characters`, { max: MAX_FIELDS_JSON }));
      }
    }
    if (type && key) {
      const id = `${type}\u0000${key}`;
      const earlier = firstLine.get(id);
      if (earlier !== undefined) problems.push(problem("duplicate", `The same type and key as line ${earlier}`, { line: earlier }));
      else firstLine.set(id, line);
    }
    return row;
  });
  return { file: null, rows };
}

export type PreviewRow = {
  line: number;
  type: string;
  key: string;
  title: string;
  /** null when the row has problems. */
  action: "create" | "update" | null;
  problems: Problem<RowProblemCode>[];
};

export type ImportPreview = {
  file: Problem<FileProblemCode> | null;
  rows: PreviewRow[];
  creates: number;
  updates: number;
  invalid: number;
};

/** Keys per type, for queries of a few hundred keys at a time. */
function groupKeysByType(rows: ImportRow[]): Map<string, string[]> {
  const byType = new Map<string, string[]>();
  for (const row of rows) {
    const keys = byType.get(row.type);
    if (keys) keys.push(row.key);
    else byType.set(row.type, [row.key]);
  }
  return byType;
}

const CHUNK = 500;

/** Which (type, key) pairs of the rows exist already. */
async function existingKeys(db: Db, rows: ImportRow[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const [type, keys] of groupKeysByType(rows)) {
    for (let i = 0; i < keys.length; i += CHUNK) {
      const existing = await db
        .select({ key: entities.key })
        .from(entities)
        .where(and(eq(entities.type, type), inArray(entities.key, keys.slice(i, i + CHUNK))));
      for (const e of existing) found.add(`${type}\u0000${e.key}`);
    }
  }
  return found;
}

/** What an import of `csv` would do, row by row; writes nothing. */
export async function previewRecordImport(db: Db, csv: string): Promise<ImportPreview> {
  const { file, rows } = parseRecordCsv(csv);
  if (file) return { file, rows: [], creates: 0, updates: 0, invalid: 0 };
  const existing = await existingKeys(db, rows.filter((r) => r.problems.length === 0));
  let creates = 0;
  let updates = 0;
  const preview = rows.map((row): PreviewRow => {
    let action: PreviewRow["action"] = null;
    if (row.problems.length === 0) {
      action = existing.has(`${row.type}\u0000${row.key}`) ? "update" : "create";
      if (action === "create") creates++;
      else updates++;
    }
    return { line: row.line, type: row.type, key: row.key, title: row.title, action, problems: row.problems };
  });
  return { file: null, rows: preview, creates, updates, invalid: rows.length - creates - updates };
}

/**
 * Imports every row of `csv` as `actor`, in one transaction, or nothing: any problem in the
 * file refuses the whole import with the first bad line named. Live updates go out after commit.
 */
export async function importRecords(deps: Deps, actor: Actor, csv: string): Promise<{ created: number; updated: number }> {
  const { file, rows } = parseRecordCsv(csv);
  if (file) throw new DomainError("invalid", file.message, { csv: file.message });
  const bad = rows.filter((row) => row.problems.length > 0);
  if (bad.length > 0) {
    const first = bad[0]!;
    const more = bad.length > 1 ? ` (and ${bad.length - 1} more ${bad.length === 2 ? "row" : "rows"} with problems)` : "";
    const message = `Nothing was imported. Line ${first.line}: ${first.problems.map((p) => p.message).join("; ")}${more}`;
    throw new DomainError("invalid", message, { csv: message });
  }
  const { envelopes, ...result } = await deps.db.transaction(async (tx) => {
    // A record with a chat takes the full path, which posts a status line and updates open
    // headers; the others (nearly all, usually) are written in bulk, so a large import holds
    // the database for a second or two rather than half a minute.
    const withChat = await keysWithChat(tx, rows);
    let created = 0;
    const events: PendingEvent[] = [];
    for (const row of rows.filter((r) => withChat.has(`${r.type}\u0000${r.key}`))) {
      const upsert = await upsertRecordInTx(tx, actor, row.type, row.key, { title: row.title, status: row.status, url: row.url, fields: row.fields });
      if (upsert.created) created++;
      events.push(...upsert.events);
    }
    created += await bulkUpsert(tx, actor, rows.filter((r) => !withChat.has(`${r.type}\u0000${r.key}`)));
    // Last: the log's lock is held from here to commit (appendEvents).
    return { created, updated: rows.length - created, envelopes: await appendEvents(tx, events) };
  });
  deps.realtime.publish(envelopes);
  return result;
}

async function keysWithChat(tx: Tx, rows: ImportRow[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const [type, keys] of groupKeysByType(rows)) {
    for (let i = 0; i < keys.length; i += CHUNK) {
      const list = await tx
        .select({ key: chats.entityKey })
        .from(chats)
        .where(and(eq(chats.kind, "entity"), eq(chats.entityType, type), inArray(chats.entityKey, keys.slice(i, i + CHUNK))));
      for (const chat of list) found.add(`${type}\u0000${chat.key}`);
    }
  }
  return found;
}

/**
 * Creates or updates records without a chat, as upsertRecordInTx would one by one: columns
 * the file lacks keep their values, and each change is audited. Returns how many were created.
 */
async function bulkUpsert(tx: Tx, actor: Actor, rows: ImportRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const before = new Map<string, Pick<Entity, "title" | "status" | "url">>();
  for (const [type, keys] of groupKeysByType(rows)) {
    for (let i = 0; i < keys.length; i += CHUNK) {
      const list = await tx
        .select({ key: entities.key, title: entities.title, status: entities.status, url: entities.url })
        .from(entities)
        .where(and(eq(entities.type, type), inArray(entities.key, keys.slice(i, i + CHUNK))))
        .for("update");
      for (const { key, ...values } of list) before.set(`${type}\u0000${key}`, values);
    }
  }
  // Every row of a file has the same columns.
  const [sample] = rows;
  const update: Partial<Record<"title" | "status" | "url" | "fields" | "updatedAt", SQL>> = { title: sql`excluded.title`, updatedAt: sql`now()` };
  if (sample!.status !== undefined) update.status = sql`excluded.status`;
  if (sample!.url !== undefined) update.url = sql`excluded.url`;
  if (sample!.fields !== undefined) update.fields = sql`excluded.fields`;
  for (let i = 0; i < rows.length; i += CHUNK) {
    await tx
      .insert(entities)
      .values(rows.slice(i, i + CHUNK).map((r) => ({ type: r.type, key: r.key, title: r.title, status: r.status ?? null, url: r.url ?? null, fields: r.fields ?? {} })))
      .onConflictDoUpdate({ target: [entities.type, entities.key], set: update });
  }
  await writeAudits(
    tx,
    actor,
    rows.map((row) => {
      const old = before.get(`${row.type}\u0000${row.key}`);
      return {
        action: old ? "record.update" : "record.create",
        targetType: "entity",
        targetId: `${row.type}:${row.key}`,
        before: old ?? null,
        after: {
          title: row.title,
          status: row.status === undefined ? (old?.status ?? null) : row.status,
          url: row.url === undefined ? (old?.url ?? null) : row.url,
        },
      };
    }),
  );
  return rows.filter((row) => !before.has(`${row.type}\u0000${row.key}`)).length;
}
