"use client";

import { useEffect, useSyncExternalStore } from "react";
import { LOCALE_COOKIE, type Locale, resolveLocale } from "~/lib/i18n/locales";
import styles from "./pwa.module.css";

type Texts = { title: string; body: string; retry: string };

function deviceLocale(): Locale {
  const cookie = document.cookie
    .split("; ")
    .find((part) => part.startsWith(`${LOCALE_COOKIE}=`))
    ?.slice(LOCALE_COOKIE.length + 1);
  return resolveLocale(cookie, navigator.languages.join(","));
}

/** The offline page's words in the language the device uses now (the page itself was fetched at install). */
export function OfflineText({ texts }: { texts: Record<Locale, Texts> }) {
  const locale = useSyncExternalStore(
    () => () => {},
    deviceLocale,
    (): Locale => "en",
  );
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const t = texts[locale];
  return (
    <>
      <h1>{t.title}</h1>
      <p>{t.body}</p>
      {/* A full page load on purpose: it asks the network again, through the service worker. */}
      {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
      <a className={`button button-primary ${styles.linkButton}`} href="/chats">
        {t.retry}
      </a>
    </>
  );
}
