/**
 * Runs the Twilio stand-in on this machine, to try SMS without an account:
 *
 *   npm run sms:standin -- [--port 3030]
 *
 * It takes Floorchat's sends (logging each), posts signed status callbacks (sent, then
 * delivered) and prints the environment to start Floorchat with. Uses TWILIO_ACCOUNT_SID and
 * TWILIO_AUTH_TOKEN when set (defaults ACstandin / standin-token); a phone texting back is
 * `npm run sms:phone` with the same TWILIO_AUTH_TOKEN.
 */
import { parseArgs } from "node:util";
import { startSmsStandin } from "~/tests/support/sms-standin";

function fail(message: string): never {
  console.error(`[sms:standin] ${message}`);
  process.exit(1);
}

const { values } = parseArgs({ options: { port: { type: "string", default: "3030" } }, strict: true });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port needs a port number, not ${values.port}`);

const accountSid = process.env.TWILIO_ACCOUNT_SID || "ACstandin";
const authToken = process.env.TWILIO_AUTH_TOKEN || "standin-token";
// Twilio's magic test number, when none is set: a valid US number, so Floorchat can read its country.
const from = process.env.TWILIO_FROM || "+15005550006";
// A token of one's own is shown by name, never echoed (it may be a real account's).
const token = process.env.TWILIO_AUTH_TOKEN ? '"$TWILIO_AUTH_TOKEN"' : authToken;

const standin = await startSmsStandin({ accountSid, authToken, port }).catch((error: Error) =>
  fail(`Could not listen on 127.0.0.1:${port} (${error.message}); choose another with --port`),
);
standin.onMessage((m) => console.log(`[sms:standin] ${m.sid} to ${m.to}: ${JSON.stringify(m.body)}`));
standin.onCallback((c) =>
  console.log(`[sms:standin] ${c.params.MessageSid} ${c.params.MessageStatus} → ${c.url}: ${c.status === 0 ? "unreachable" : `HTTP ${c.status}`}`),
);

console.log(`[sms:standin] Twilio stand-in at ${standin.url}. Start Floorchat with:

  SMS_PROVIDER=twilio TWILIO_API_BASE=${standin.url} OUTBOUND_ALLOW_LOOPBACK=1 \\
  TWILIO_ACCOUNT_SID=${accountSid} TWILIO_AUTH_TOKEN=${token} TWILIO_FROM=${from} npm start

Texting numbers outside ${from}'s country needs SMS_ALLOWED_COUNTRIES too (e.g. SMS_ALLOWED_COUNTRIES=PL,US).
A phone answering:

  TWILIO_ACCOUNT_SID=${accountSid} TWILIO_AUTH_TOKEN=${token} TWILIO_FROM=${from} npm run sms:phone -- --from +48600100200 "On my way"`);

const stop = () => {
  void standin.close().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
