import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { loadMessages } from "./catalogue";
import { LOCALE_COOKIE, resolveLocale } from "./locales";
import { TIME_ZONE_COOKIE, timeZoneFrom } from "./time-zone";

export default getRequestConfig(async () => {
  const jar = await cookies();
  const locale = resolveLocale(jar.get(LOCALE_COOKIE)?.value, (await headers()).get("accept-language"));
  // The browser's zone once it has said which (lib/i18n/time-zone.ts); before that, the server's.
  const timeZone = timeZoneFrom(jar.get(TIME_ZONE_COOKIE)?.value);
  return { locale, messages: await loadMessages(locale), ...(timeZone ? { timeZone } : {}) };
});
