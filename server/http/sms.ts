/**
 * The provider's calls to us (README → SMS): `POST /api/sms/inbound` (a text from a phone) and
 * `POST /api/sms/status?sms=<id>` (a delivery state). Both are form-encoded and signed with the
 * account's auth token over the exact address the provider called, which is SMS_WEBHOOK_URL
 * (or PUBLIC_URL) plus the path: an unsigned or wrongly signed request gets 403 and stores nothing.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { DomainError } from "~/server/domain-error";
import type { Deps } from "~/server/services/deps";
import { receiveSms, receiveStatus } from "~/server/services/sms/inbound";
import { validTwilioSignature } from "~/server/services/sms/signature";
import { readNodeBody } from "./body";

/** A provider's form is a few hundred bytes; anything near this is not one. */
const MAX_FORM_BYTES = 64 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** TwiML that replies nothing: answering is a person's job, in the chat window. */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

function answer(res: ServerResponse, status: number, body = "", type = "text/plain; charset=utf-8") {
  res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" }).end(body);
}

export function createSmsWebhookHandler(getDeps: () => Promise<Deps>) {
  return async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    const deps = await getDeps();
    const sms = deps.sms;
    if (!sms) return answer(res, 404, "SMS is not configured on this server");
    if (req.method !== "POST") {
      res.setHeader("Allow", "POST");
      return answer(res, 405, "Use POST");
    }
    const raw = await readNodeBody(req, MAX_FORM_BYTES);
    if (raw === null) return;
    if (raw === "too-large") return answer(res, 413, "Too large");
    // No prototype: a parameter named "__proto__" is a parameter like any other (on a plain
    // object the assignment would hit the prototype's setter and drop it from the signed set).
    const params: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [key, value] of new URLSearchParams(raw.toString("utf8"))) params[key] = value;
    const signature = req.headers["x-twilio-signature"];
    const url = `${sms.config.webhookBase}${req.url ?? pathname}`;
    if (!validTwilioSignature(sms.config.authToken, typeof signature === "string" ? signature : undefined, url, params)) {
      console.warn(`[sms] refused ${pathname}: bad or missing X-Twilio-Signature (is SMS_WEBHOOK_URL the address the provider calls?)`);
      return answer(res, 403, "Invalid signature");
    }
    // Checked as signed; stored without U+0000, which PostgreSQL's text cannot hold (a 500 would
    // make the provider retry the same request for ever).
    for (const key of Object.keys(params)) params[key] = params[key]!.replaceAll("\u0000", "\uFFFD");
    if (pathname === "/api/sms/inbound") {
      if (!params.From || !params.MessageSid || params.Body === undefined) return answer(res, 400, "From, Body and MessageSid are required");
      try {
        await receiveSms(deps, { from: params.From, body: params.Body, messageSid: params.MessageSid });
      } catch (error) {
        // A sender we cannot store (an alphanumeric sender id): answered, so the provider does not retry it forever.
        if (!(error instanceof DomainError)) throw error;
        console.warn(`[sms] inbound from ${JSON.stringify(params.From)} not stored: ${error.message}`);
      }
      return answer(res, 200, EMPTY_TWIML, "text/xml; charset=utf-8");
    }
    const smsId = new URL(req.url ?? "/", "http://x").searchParams.get("sms");
    if (!params.MessageSid || !params.MessageStatus) return answer(res, 400, "MessageSid and MessageStatus are required");
    await receiveStatus(deps, {
      smsId: smsId && UUID.test(smsId) ? smsId : null,
      messageSid: params.MessageSid,
      status: params.MessageStatus,
      errorCode: params.ErrorCode || null,
    });
    return answer(res, 204);
  };
}
