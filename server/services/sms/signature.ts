import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Twilio's request signature (X-Twilio-Signature): base64 HMAC-SHA1, keyed with the account's
 * auth token, of the URL Twilio called followed by each POST parameter's name and value, names
 * in sorted order. The URL is taken as given, character for character: the caller decides which
 * URL Twilio was told to call (behind a proxy it is not the one the request arrived at).
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const hmac = createHmac("sha1", authToken).update(url, "utf8");
  // Plain code-unit order, as Twilio's libraries sort (Object.keys(params).sort()).
  const sorted = Object.entries(params).sort(([x], [y]) => (x < y ? -1 : 1));
  for (const [name, value] of sorted) hmac.update(name + value, "utf8");
  return hmac.digest("base64");
}

/** Whether a request's X-Twilio-Signature is Twilio's for this URL and these parameters. */
export function validTwilioSignature(authToken: string, signature: string | undefined, url: string, params: Record<string, string>): boolean {
  if (!signature) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  // timingSafeEqual throws on unequal lengths; a length tells nothing (every signature is 28 characters).
  return given.length === expected.length && timingSafeEqual(given, expected);
}
