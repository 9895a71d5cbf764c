import { isTimeZone } from "~/lib/time/ranges";

/**
 * The browser's time zone, told to the server in a cookie so a page rendered there shows times
 * (and where one day ends) as the browser will: otherwise the server formats in its own zone and
 * the browser, taking over the page, would disagree with it. The root layout's inline script
 * writes the cookie before anything renders; it changes when the device travels.
 */
export const TIME_ZONE_COOKIE = "tz";

/** IANA names are letters, digits and `/_+-`: nothing a cookie or a header must escape. */
const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

/** The zone named by a cookie, if it is one this runtime knows; else undefined. */
export function timeZoneFrom(value: string | undefined): string | undefined {
  return value && IANA_NAME.test(value) && isTimeZone(value) ? value : undefined;
}

/** Runs in the page's <head> before the app: plain ES5, no imports, a year-long cookie. */
export const TIME_ZONE_SCRIPT = `try{var z=Intl.DateTimeFormat().resolvedOptions().timeZone;if(z&&document.cookie.indexOf("${TIME_ZONE_COOKIE}="+z)<0)document.cookie="${TIME_ZONE_COOKIE}="+z+";path=/;max-age=31536000;samesite=lax"}catch(e){}`;
