"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { authClient } from "~/lib/auth-client";
import styles from "./sign-out-button.module.css";

export function SignOutButton() {
  const t = useTranslations("me");
  const [isSigningOut, setSigningOut] = useState(false);

  async function signOut() {
    setSigningOut(true);
    await authClient.signOut().catch(() => {});
    // A full navigation, not a client-side one: on a shared tablet nothing of this user's
    // cached data may survive into the next user's session.
    window.location.assign("/sign-in");
  }

  return (
    <button type="button" className={`button ${styles.signOut}`} onClick={() => void signOut()} disabled={isSigningOut}>
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
  );
}
