"use server";

import { cookies } from "next/headers";
import { LOCALE_COOKIE, locales } from "./locales";

export async function setLocale(locale: string): Promise<void> {
  if (!(locales as readonly string[]).includes(locale)) return;
  (await cookies()).set(LOCALE_COOKIE, locale, { path: "/", maxAge: 60 * 60 * 24 * 365, sameSite: "lax" });
}
