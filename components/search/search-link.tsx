"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import styles from "./search-screen.module.css";

/** The way into message search from the chat list's header. */
export function SearchLink() {
  const t = useTranslations("search");
  return (
    <Link href="/search" className={`button ${styles.openLink}`}>
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
        <path d="M10.5 17a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13zM15.5 15.5L20 20" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
      </svg>
      {t("open")}
    </Link>
  );
}
