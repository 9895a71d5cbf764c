/**
 * Plays a phone texting a running Floorchat: posts one inbound SMS, signed as Twilio signs it,
 * to its /api/sms/inbound.
 *
 *   npm run sms:phone -- --from +48600100200 [--to +48…] [--url http://localhost:3000] "Running late, 10 min"
 *
 * Reads TWILIO_AUTH_TOKEN (the server's), TWILIO_ACCOUNT_SID (default ACstandin) and TWILIO_FROM
 * (the default --to). The signature covers the URL the server believes it is called at, so the
 * default --url is the server's own idea of it: SMS_WEBHOOK_URL, else PUBLIC_URL, else
 * http://localhost:$PORT.
 */
import { parseArgs } from "node:util";
import { postInboundSms } from "~/tests/support/sms-standin";

function fail(message: string): never {
  console.error(`[sms:phone] ${message}`);
  process.exit(1);
}

const { values, positionals } = parseArgs({
  options: { from: { type: "string" }, to: { type: "string" }, url: { type: "string" } },
  allowPositionals: true,
  strict: true,
});
const usage = 'npm run sms:phone -- --from +48600100200 [--to +48…] [--url http://localhost:3000] "message text"';
const from = values.from?.trim();
const to = (values.to ?? process.env.TWILIO_FROM)?.trim();
const body = positionals.join(" ");
const authToken = process.env.TWILIO_AUTH_TOKEN;
if (!from) fail(`Say who is texting: --from +48600100200\n${usage}`);
if (!to) fail(`Say which number is texted: --to, or TWILIO_FROM as the server has it\n${usage}`);
if (!body.trim()) fail(`Give the message's text\n${usage}`);
if (!authToken) fail("Set TWILIO_AUTH_TOKEN to the server's: the message is signed with it");

// The server strips a trailing slash from its base address before appending the path.
const base = (values.url ?? process.env.SMS_WEBHOOK_URL ?? process.env.PUBLIC_URL ?? `http://localhost:${process.env.PORT || 3000}`).replace(/\/+$/, "");
const target = `${base}/api/sms/inbound`;
const account = { accountSid: process.env.TWILIO_ACCOUNT_SID || "ACstandin", authToken };

let answer: { status: number; body: string };
try {
  answer = await postInboundSms(target, account, { From: from, To: to, Body: body });
} catch (error) {
  const cause = (error as { cause?: { code?: string } }).cause;
  fail(`Nothing answered at ${target} (${cause?.code ?? (error as Error).message}): is Floorchat running there? (--url)`);
}

console.error(`[sms:phone] ${from} → ${to} at ${target}: HTTP ${answer.status}${answer.body ? ` ${answer.body.slice(0, 500)}` : ""}`);
if (answer.status === 403) fail(`The signature was refused: TWILIO_AUTH_TOKEN must match the server's, and ${base} must be the address the server believes it has (its SMS_WEBHOOK_URL or PUBLIC_URL).`);
if (answer.status === 404) fail(`${target} is not there: is SMS turned on (SMS_PROVIDER=twilio) and is ${base} Floorchat?`);
if (answer.status < 200 || answer.status >= 300) fail(`The server did not take the message (HTTP ${answer.status}).`);
