/**
 * SMS rules the browser and the server must agree on: how a text splits into billed segments
 * (the composer's counter and the sender's limit count the same way), the delivery states, and
 * the carrier keywords. Pure data and functions, shared by both.
 */

export type SmsEncoding = "GSM-7" | "UCS-2";

/** GSM 03.38's default alphabet: one septet each. */
const GSM_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
/** Its extension table: an escape septet and the character, two each. */
const GSM_EXTENDED = new Set("\f^{}\\[~]|€");

/** Characters per segment: a lone message has the whole PDU, a part gives room to the concatenation header. */
const LIMITS = { "GSM-7": { single: 160, multi: 153 }, "UCS-2": { single: 70, multi: 67 } } as const;

/**
 * How a text is billed: its encoding, its length in that encoding's units, the segments it
 * takes, and the units left in the last one (what a counter shows). One character outside
 * GSM-7 turns the whole text into UCS-2, where every UTF-16 code unit counts.
 */
export function smsSegments(text: string): { encoding: SmsEncoding; units: number; segments: number; perSegment: number; left: number } {
  // Each code point's width: an escape and its character, or a surrogate pair, is never split
  // across two parts (phones would show garbage), so parts are packed rather than divided.
  const chars = Array.from(text);
  const isGsm = chars.every((c) => GSM_BASIC.has(c) || GSM_EXTENDED.has(c));
  const encoding: SmsEncoding = isGsm ? "GSM-7" : "UCS-2";
  const widths = chars.map((c) => (isGsm ? (GSM_EXTENDED.has(c) ? 2 : 1) : c.length));
  const units = widths.reduce((sum, w) => sum + w, 0);
  const { single, multi } = LIMITS[encoding];
  if (units <= single) return { encoding, units, segments: units === 0 ? 0 : 1, perSegment: single, left: single - units };
  let segments = 1;
  let used = 0;
  for (const width of widths) {
    if (used + width > multi) {
      segments++;
      used = 0;
    }
    used += width;
  }
  return { encoding, units, segments, perSegment: multi, left: multi - used };
}

export const SMS_STATUSES = ["queued", "sending", "sent", "delivered", "failed", "undelivered", "received"] as const;
export type SmsStatus = (typeof SMS_STATUSES)[number];

/** The default cap on one outgoing message's segments, each of them billed. */
export const SMS_MAX_SEGMENTS_DEFAULT = 3;

/** Carrier keywords (the ones Twilio's default opt-out handling honours). */
export const OPT_OUT_KEYWORDS = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"] as const;
export const OPT_IN_KEYWORDS = ["START", "UNSTOP"] as const;

/**
 * The keyword a message is, if it is one: only a whole message counts, in any case and with
 * surrounding spaces, so "please stop by at 5" is an ordinary message.
 */
export function smsKeyword(body: string): "opt_out" | "opt_in" | "help" | null {
  const word = body.trim().toUpperCase();
  if ((OPT_OUT_KEYWORDS as readonly string[]).includes(word)) return "opt_out";
  if ((OPT_IN_KEYWORDS as readonly string[]).includes(word)) return "opt_in";
  return word === "HELP" ? "help" : null;
}

/** The longest text one SMS may carry: what the provider accepts (Twilio refuses longer, error 21617). */
export const SMS_MAX_LENGTH = 1600;
