/**
 * The Twilio-compatible provider (the production path, README → SMS): one form-encoded POST to
 * `{base}/2010-04-01/Accounts/{SID}/Messages.json` with basic auth per message.
 */
import type { SmsConfig } from "./config";

export type ProviderSend = { to: string; body: string; statusCallback: string; idempotencyKey: string };

export type ProviderResult =
  /** Accepted: the provider's id and its status (queued, sending, sent…). */
  | { kind: "accepted"; sid: string; status: string }
  /** Not taken this time (network, 429, 5xx): send again later with the same idempotency key. */
  | { kind: "retry"; reason: string; retryAfterMs: number | null }
  /** Refused for good (a bad number, a blocked recipient): the provider's code and words. */
  | { kind: "refused"; code: string; message: string };

export type SmsProvider = { send(message: ProviderSend): Promise<ProviderResult> };

/** The whole request, answer included: a provider that hangs is retried, not waited for. */
const REQUEST_DEADLINE_MS = 15_000;

export function createTwilioProvider(config: Pick<SmsConfig, "accountSid" | "authToken" | "from" | "apiBase">): SmsProvider {
  const endpoint = `${config.apiBase}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString("base64")}`;
  return {
    async send(message) {
      const form = new URLSearchParams({ To: message.to, Body: message.body, StatusCallback: message.statusCallback });
      form.set(config.from.startsWith("MG") ? "MessagingServiceSid" : "From", config.from);
      let response: Response;
      try {
        response = await fetch(endpoint, {
          method: "POST",
          headers: {
            authorization,
            "content-type": "application/x-www-form-urlencoded",
            accept: "application/json",
            "user-agent": "Floorchat-SMS/1",
            // One key per message across every attempt: the message's id.
            "i-twilio-idempotency-token": message.idempotencyKey,
          },
          body: form.toString(),
          redirect: "error",
          signal: AbortSignal.timeout(REQUEST_DEADLINE_MS),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        return { kind: "retry", reason: cause?.code ?? cause?.message ?? (error as Error).message, retryAfterMs: null };
      }
      const text = await response.text().catch(() => "");
      const json = parseJson(text);
      if (response.status === 429 || response.status >= 500) {
        const detail = typeof json?.message === "string" ? `: ${json.message}` : "";
        return { kind: "retry", reason: `HTTP ${response.status}${detail}`, retryAfterMs: retryAfter(response.headers.get("retry-after")) };
      }
      if (response.status >= 200 && response.status < 300 && typeof json?.sid === "string") {
        return { kind: "accepted", sid: json.sid, status: typeof json.status === "string" ? json.status : "queued" };
      }
      const code = typeof json?.code === "number" || typeof json?.code === "string" ? String(json.code) : null;
      if (response.status === 401) return { kind: "refused", code: code ?? "20003", message: "The provider refused the credentials (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)" };
      return { kind: "refused", code: code ?? String(response.status), message: typeof json?.message === "string" ? json.message : `HTTP ${response.status}` };
    },
  };
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function retryAfter(header: string | null): number | null {
  const seconds = Number(header);
  return header !== null && Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 3600) * 1000 : null;
}
