import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";
import { type Env, publicUrl, smsConfigured } from "~/server/env";

/** What the SMS services need to know of the configuration (README, SMS). */
export type SmsConfig = {
  accountSid: string;
  authToken: string;
  /** A number in E.164 or a messaging service SID (MG…). */
  from: string;
  apiBase: string;
  /** Where the provider posts inbound messages and status callbacks (the public https address in production). */
  webhookBase: string;
  allowedCountries: string[];
  /** How national numbers typed without "+" are read: the sending number's country. */
  defaultCountry: CountryCode | undefined;
  dailySegmentCap: number;
  /** Whose day the cap counts (SITE_TIME_ZONE). */
  siteTimeZone: string;
};

/** null when SMS is off: the screens then say how to turn it on, and nothing pretends to send. */
export function smsConfigFrom(env: Env): SmsConfig | null {
  if (!smsConfigured(env)) return null;
  const from = env.TWILIO_FROM!;
  const home = from.startsWith("+") ? parsePhoneNumberFromString(from)?.country : undefined;
  return {
    accountSid: env.TWILIO_ACCOUNT_SID!,
    authToken: env.TWILIO_AUTH_TOKEN!,
    from,
    apiBase: env.TWILIO_API_BASE,
    webhookBase: env.SMS_WEBHOOK_URL ?? publicUrl(env),
    allowedCountries: env.SMS_ALLOWED_COUNTRIES ?? (home ? [home] : []),
    defaultCountry: home,
    dailySegmentCap: env.SMS_DAILY_SEGMENT_CAP,
    siteTimeZone: env.SITE_TIME_ZONE,
  };
}
