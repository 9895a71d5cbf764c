/**
 * Sets a person's password from the command line, for an admin locked out or a demo account to
 * secure:
 *
 *   npm run user:password -- --user picker            (asks twice, without echo)
 *   printf '%s\n' "$NEW_PASSWORD" | npm run user:password -- --user picker
 *   npm run user:password -- --user admin --random    (prints a generated one, only it, on stdout)
 *
 * The password is never an argument: arguments end up in shell history and `ps`. Their sessions
 * end, and the demo-password warning for them goes away. Uses DATABASE_URL when set, else the
 * embedded database in DATA_DIR; while the server has the embedded database open, this refuses
 * (PGlite admits one process per directory).
 */
import { parseArgs } from "node:util";
import { openOfflineDatabase } from "./offline-database";
import { SESSION_TTL_MS, announceUserSessionsEnded } from "~/server/auth-cache";
import { getEnv } from "~/server/env";
import { createRedisBus } from "~/server/realtime/bus";
import { randomPassword, setPassword } from "~/server/services/set-password";

function fail(message: string): never {
  console.error(`[user:password] ${message}`);
  process.exit(1);
}

/** What was typed (or pasted) past the end of the line a prompt read: the next prompt's start. */
let typedAhead: string[] = [];

/** One line typed on a terminal, not echoed. */
function readHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  return new Promise((resolve) => {
    const line: string[] = [];
    /** Takes characters until the end of the line; true once it has the line. */
    const take = (chars: string[]): boolean => {
      for (const [index, char] of chars.entries()) {
        if (char === "\u0003") {
          process.stderr.write("\n");
          process.exit(130);
        }
        if (char === "\r" || char === "\n") {
          typedAhead = chars.slice(index + 1);
          process.stderr.write("\n");
          resolve(line.join(""));
          return true;
        }
        if (char === "\u007f" || char === "\b") line.pop();
        else line.push(char);
      }
      return false;
    };
    if (take(typedAhead.splice(0))) return;
    const onData = (chunk: string) => {
      if (!take(Array.from(chunk))) return;
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
    };
    stdin.setRawMode(true);
    stdin.setEncoding("utf8");
    stdin.on("data", onData);
    stdin.resume();
  });
}

/** The first line of piped input, without its line ending. */
async function readPiped(): Promise<string> {
  let input = "";
  for await (const chunk of process.stdin) input += String(chunk);
  return input.split(/\r?\n/, 1)[0] ?? "";
}

async function newPassword(username: string, random: boolean): Promise<string> {
  if (random) return randomPassword();
  if (!process.stdin.isTTY) return readPiped();
  const first = await readHidden(`New password for ${username}: `);
  const second = await readHidden("Again: ");
  if (first !== second) fail("The two passwords differ; nothing was changed.");
  return first;
}

/**
 * Running instances believe a cached session for up to SESSION_TTL_MS without asking the
 * database, so the sessions just deleted are announced on the bus as the app announces a
 * password change. With REDIS_URL that reaches every instance. Without it, on the embedded
 * database, there is nobody to tell: no server can be running, since it would hold the data
 * directory's lock and openOfflineDatabase would have refused. A server on PostgreSQL without
 * Redis (one instance, in-memory bus) cannot be reached from here: its cache lets the sessions
 * lapse within the TTL, which the script prints.
 */
async function endCachedSessions(userId: string): Promise<void> {
  const { DATABASE_URL, REDIS_URL } = getEnv();
  const lapse = `a running server may still let their open sessions in for up to ${SESSION_TTL_MS / 1000} s`;
  if (!REDIS_URL) {
    if (DATABASE_URL) console.error(`[user:password] Without REDIS_URL ${lapse}.`);
    return;
  }
  try {
    const bus = await createRedisBus(REDIS_URL);
    try {
      await announceUserSessionsEnded(bus, userId);
    } finally {
      await bus.close();
    }
  } catch (error) {
    // The password is set and the sessions deleted: only the shortcut failed.
    console.error(`[user:password] Could not tell the running servers (${(error as Error).message}): ${lapse}.`);
  }
}

const { values } = parseArgs({
  options: { user: { type: "string" }, random: { type: "boolean", default: false } },
  strict: true,
});
const username = values.user?.trim();
if (!username) fail("Name the account: --user NAME (the password is read from stdin, or use --random)");

// Opened before asking, so nobody types a password only to hear the server holds the database.
const database = await openOfflineDatabase(fail, "The server has the database open: stop it and run this again, or change the password in the app (Me → Password).");
try {
  const password = await newPassword(username, values.random);
  const changed = await setPassword(database.db, "system", { username, password });
  await endCachedSessions(changed.id);
  console.error(`[user:password] Set the password of ${changed.username} and signed them out everywhere.${values.random ? " It is shown only now:" : ""}`);
  if (values.random) console.log(password);
} catch (error) {
  fail((error as Error).message);
} finally {
  await database.close();
}
