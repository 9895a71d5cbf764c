"use client";

import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { authClient } from "~/lib/auth-client";
import { useTRPC } from "~/lib/trpc/client";

export function AppHeader() {
  const t = useTranslations();
  const trpc = useTRPC();
  const me = useQuery(trpc.user.me.queryOptions());
  const [isSigningOut, setSigningOut] = useState(false);

  async function signOut() {
    setSigningOut(true);
    await authClient.signOut().catch(() => {});
    // A full navigation, not a client-side one: on a shared tablet nothing of this user's
    // cached data may survive into the next user's session.
    window.location.assign("/sign-in");
  }

  return (
    <header className="app-header">
      <span className="brand">
        <span className="brand-mark" aria-hidden="true">
          F
        </span>
        <span className="sr-only">{t("app.name")}</span>
      </span>
      {/* The name alone: "Signed in as …" would push it out of a phone's header in Polish. */}
      <span
        className="app-header-user"
        data-testid="signed-in-user"
        title={me.data ? t("shell.signedInAs", { name: me.data.name }) : undefined}
      >
        {me.data ? (
          <>
            <span className="sr-only">{t("shell.signedInPrefix")} </span>
            {me.data.name}
          </>
        ) : null}
      </span>
      <button type="button" className="button button-quiet" onClick={() => void signOut()} disabled={isSigningOut}>
        {isSigningOut ? t("shell.signingOut") : t("shell.signOut")}
      </button>
    </header>
  );
}
