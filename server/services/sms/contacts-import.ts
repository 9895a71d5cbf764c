/**
 * CSV import of SMS contacts by an admin (like records): a header row with `name` and `phone`
 * (optional `verified`, `record_type`, `record_key`, and `username` for a person's own phone),
 * then one contact per row. Every row is
 * checked first; then all are written in one transaction, or none. A number already known is
 * updated (its name, verification, record, and person when the file has the column), so an
 * import can be run again.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { CountryCode } from "libphonenumber-js";
import type { Db } from "~/db/client";
import { entities, smsContacts, users } from "~/db/schema";
import { type Actor, DomainError } from "~/server/domain-error";
import { writeAudit } from "~/server/services/audit";
import { type Problem, problem, readCsv } from "~/server/services/csv";
import { parsePhone } from "./phone";

export const MAX_CONTACT_IMPORT_BYTES = 1024 * 1024;
export const MAX_CONTACT_IMPORT_ROWS = 5_000;
const MAX_NAME = 100;
const YES = new Set(["1", "yes", "true", "y", "tak", "t"]);
const NO = new Set(["", "0", "no", "false", "n", "nie"]);

export type ContactImportProblem = Problem<"file" | "columns" | "name" | "phone" | "verified" | "record" | "user" | "duplicate" | "row"> & { line: number | null };

type Row = { line: number; name: string; phone: string; verified: boolean; record: { type: string | null; key: string } | null; username: string | null | undefined };

function fail(problems: ContactImportProblem[]): never {
  throw new DomainError("invalid", `The file has ${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was imported: ${problems
    .slice(0, 5)
    .map((p) => (p.line ? `line ${p.line}: ${p.message}` : p.message))
    .join("; ")}`);
}

/** Checks every row; returns them ready to write, or the problems (each with its line). */
export async function checkContactCsv(db: Db, csv: string, defaultCountry?: CountryCode): Promise<{ rows: Row[]; problems: ContactImportProblem[] }> {
  const read = readCsv(csv, { maxBytes: MAX_CONTACT_IMPORT_BYTES, maxRows: MAX_CONTACT_IMPORT_ROWS });
  if ("file" in read) return { rows: [], problems: [{ ...read.file, code: "file", line: null }] };
  const [header, ...body] = read.rows;
  if (!header || body.length === 0) return { rows: [], problems: [{ ...problem("file", "The file needs a header row (name,phone…) and at least one contact"), line: null }] };
  const columns = header.cells.map((c) => c.trim().toLowerCase());
  const missing = ["name", "phone"].filter((c) => !columns.includes(c));
  if (missing.length > 0) return { rows: [], problems: [{ ...problem("columns", `The header row lacks ${missing.join(", ")}`, { columns: missing.join(", ") }), line: null }] };
  const problems: ContactImportProblem[] = [];
  const rows: Row[] = [];
  const seen = new Map<string, number>();
  for (const { cells, line, badQuotes } of body) {
    const cell = (name: string) => (columns.includes(name) ? (cells[columns.indexOf(name)] ?? "").trim() : "");
    const report = (code: ContactImportProblem["code"], message: string) => problems.push({ ...problem(code, message), line });
    if (badQuotes || cells.length !== columns.length) {
      report("row", badQuotes ? "A quoted value is not closed properly" : `Has ${cells.length} columns; the header has ${columns.length}`);
      continue;
    }
    const name = cell("name");
    if (!name || name.length > MAX_NAME) report("name", `A name has 1 to ${MAX_NAME} characters`);
    let phone: string | null = null;
    try {
      phone = parsePhone(cell("phone"), defaultCountry).e164;
    } catch {
      problems.push({ ...problem("phone", `“${cell("phone")}” is not a valid phone number`, { phone: cell("phone") }), line });
    }
    const verifiedText = cell("verified").toLowerCase();
    if (!YES.has(verifiedText) && !NO.has(verifiedText)) report("verified", "verified is yes or no");
    if (phone) {
      const earlier = seen.get(phone);
      if (earlier !== undefined) problems.push({ ...problem("duplicate", `The same number as line ${earlier}`, { line: earlier }), line });
      else seen.set(phone, line);
    }
    const key = cell("record_key");
    rows.push({ line, name, phone: phone ?? "", verified: YES.has(verifiedText), record: key ? { type: cell("record_type") || null, key } : null, username: columns.includes("username") ? cell("username").toLowerCase() || null : undefined });
  }
  // Records named by the rows, looked up at once.
  const keys = [...new Set(rows.flatMap((r) => (r.record ? [r.record.key] : [])))];
  const found = keys.length > 0 ? await db.select({ id: entities.id, type: entities.type, key: entities.key }).from(entities).where(inArray(entities.key, keys)) : [];
  for (const row of rows) {
    if (row.record && !found.some((e) => e.key === row.record!.key && (!row.record!.type || e.type === row.record!.type))) {
      problems.push({ ...problem("record", `No record with key ${row.record.key}`, { key: row.record.key }), line: row.line });
    }
  }
  // People named by the rows, likewise.
  const usernames = [...new Set(rows.flatMap((r) => (r.username ? [r.username] : [])))];
  const people = usernames.length > 0 ? await db.select({ username: users.username }).from(users).where(inArray(users.username, usernames)) : [];
  for (const row of rows) {
    if (row.username && !people.some((p) => p.username === row.username)) {
      problems.push({ ...problem("user", `No person with user name ${row.username}`, { username: row.username }), line: row.line });
    }
  }
  return { rows, problems };
}

export async function importContacts(db: Db, actor: Actor, csv: string, defaultCountry?: CountryCode): Promise<{ created: number; updated: number }> {
  if (actor.role !== "admin") throw new DomainError("forbidden", "Only an admin can import contacts");
  const { rows, problems } = await checkContactCsv(db, csv, defaultCountry);
  if (problems.length > 0) fail(problems);
  return db.transaction(async (tx) => {
    let created = 0;
    let updated = 0;
    for (const row of rows) {
      const [entity] = row.record
        ? await tx
            .select({ id: entities.id })
            .from(entities)
            .where(and(eq(entities.key, row.record.key), row.record.type ? eq(entities.type, row.record.type) : undefined))
            .limit(1)
        : [];
      const [person] = row.username ? await tx.select({ id: users.id }).from(users).where(eq(users.username, row.username)).limit(1) : [];
      // Without a username column a known number keeps its person; an empty cell takes it away.
      const values = { name: row.name, verified: row.verified, entityId: entity?.id ?? null, ...(row.username === undefined ? {} : { userId: person?.id ?? null }) };
      const [inserted] = await tx.insert(smsContacts).values({ phone: row.phone, ...values }).onConflictDoNothing().returning({ id: smsContacts.id });
      if (inserted) created++;
      else {
        await tx.update(smsContacts).set({ ...values, updatedAt: new Date() }).where(eq(smsContacts.phone, row.phone));
        updated++;
      }
    }
    await writeAudit(tx, actor, { action: "sms_contact.import", targetType: "sms_contact", after: { created, updated } });
    return { created, updated };
  });
}
