"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Icon } from "~/components/ui/icon";
import styles from "./sign-out-button.module.css";

/** A form post rather than a fetch: it works even when tapped before the page has hydrated. */
export function SignOutButton() {
  const t = useTranslations("me");
  const [isSigningOut, setSigningOut] = useState(false);

  return (
    <form method="post" action="/api/sign-out" onSubmit={() => setSigningOut(true)}>
      <button type="submit" className={`button ${styles.signOut}`} aria-busy={isSigningOut}>
        <Icon name="signOut" size={22} weight={2} />
        {isSigningOut ? t("signingOut") : t("signOut")}
      </button>
    </form>
  );
}
