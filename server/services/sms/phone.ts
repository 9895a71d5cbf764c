import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";
import { DomainError } from "~/server/domain-error";

export type Phone = { e164: string; country: string | null; display: string };

/**
 * A number as typed or as a provider sent it, in E.164 ("+48600100200"), or an `invalid`
 * error naming the field. National numbers ("600 100 200") are read in `defaultCountry`.
 */
export function parsePhone(input: string, defaultCountry?: CountryCode, field = "phone"): Phone {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultCountry);
  if (!parsed || !parsed.isValid()) {
    throw new DomainError("invalid", "Not a valid phone number; write it with its country code, e.g. +48 600 100 200", { [field]: "Not a valid phone number" });
  }
  return { e164: parsed.number, country: parsed.country ?? null, display: parsed.formatInternational() };
}

/** A stored E.164 number as people read it ("+48 600 100 200"); the number itself if it does not parse. */
export function displayPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}
