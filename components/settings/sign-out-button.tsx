"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import styles from "./sign-out-button.module.css";

/** A form post rather than a fetch: it works even when tapped before the page has hydrated. */
export function SignOutButton() {
  const t = useTranslations("me");
  const [isSigningOut, setSigningOut] = useState(false);

  return (
    <form method="post" action="/api/sign-out" onSubmit={() => setSigningOut(true)}>
      <button type="submit" className={`button ${styles.signOut}`} aria-busy={isSigningOut}>
        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
          <path
            d="M10 4H6a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h4M14 16l4-4-4-4M18 12H9"
            fill="none"
            stroke="currentColor"
            strokeWidth="2"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </svg>
        {isSigningOut ? t("signingOut") : t("signOut")}
      </button>
    </form>
  );
}
