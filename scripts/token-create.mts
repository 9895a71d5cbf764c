/**
 * Creates an API token for setup scripts and prints it (only the token, on stdout):
 *
 *   npm run token:create -- --name "ERP sync" --scopes entities:write,read [--chat <chat id>]
 *
 * Uses DATABASE_URL when set, else the embedded database in DATA_DIR, creating and migrating it
 * if it is new. While the server has the embedded database open, this refuses (PGlite admits one
 * process per directory) and says to use Admin → API tokens instead.
 */
import { parseArgs } from "node:util";
import { openOfflineDatabase } from "./offline-database";
import { SCOPES, type Scope, createToken } from "~/server/services/tokens";

function fail(message: string): never {
  console.error(`[token:create] ${message}`);
  process.exit(1);
}

const { values } = parseArgs({
  options: { name: { type: "string" }, scopes: { type: "string" }, chat: { type: "string" } },
  strict: true,
});
const name = values.name?.trim();
if (!name || name.length > 80) fail('Give the token a name of 1–80 characters: --name "ERP sync"');
const scopes = (values.scopes ?? "").split(",").map((s) => s.trim()).filter(Boolean);
const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
if (scopes.length === 0 || unknown.length > 0) {
  fail(`${unknown.length > 0 ? `Unknown scope ${unknown.join(", ")}. ` : ""}Choose from --scopes ${SCOPES.join(",")}`);
}

const database = await openOfflineDatabase(fail, "The server has the database open: create the token in the app (Admin → API tokens), or stop the server and run this again.");
try {
  const created = await createToken(database.db, "system", { name, scopes: scopes as Scope[], chatId: values.chat ?? null });
  console.error(`[token:create] Created "${created.name}" (${created.scopes.join(", ")}). It is shown only now:`);
  console.log(created.token);
} catch (error) {
  fail((error as Error).message);
} finally {
  await database.close();
}
