// Rendered on the server only: it calls the server directly (eslint.architecture.config.mjs lets it).
import "server-only";
import { headers } from "next/headers";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { getSessionActor } from "~/server/api/session";
import type { Actor } from "~/server/domain-error";
import styles from "./admin.module.css";
import { Icon } from "~/components/ui/icon";

/**
 * The signed-in actor of an admin page, or the page to show instead. The API refuses
 * non-admins on its own (adminProcedure); this only spares them a screen of errors.
 */
export async function adminGate(allow: (actor: Actor) => boolean = (actor) => actor.role === "admin"): Promise<{ actor: Actor; denied: null } | { actor: null; denied: ReactNode }> {
  const actor = await getSessionActor(await headers());
  if (!actor) redirect("/sign-in");
  if (!allow(actor)) return { actor: null, denied: <NotAllowed /> };
  return { actor, denied: null };
}

async function NotAllowed() {
  const t = await getTranslations("admin.notAllowed");
  return (
    <main className={`page ${styles.page}`}>
      <h1 className={styles.title}>{t("title")}</h1>
      <p className={styles.intro}>{t("body")}</p>
      <Link href="/settings" className={`button ${styles.linkButton}`}>
        {t("back")}
      </Link>
    </main>
  );
}

/** The top of an admin screen: the way back, the title and what the screen is for. */
export async function AdminHeader({ title, intro, back = { href: "/admin", label: null } }: { title: string; intro?: string; back?: { href: string; label: string | null } | null }) {
  const t = await getTranslations("admin.common");
  return (
    <header className={styles.header}>
      {back ? (
        <Link href={back.href} className={styles.back}>
          <Icon name="back" size={20} weight={2.2} />
          {back.label ?? t("back")}
        </Link>
      ) : null}
      <h1 className={styles.title}>{title}</h1>
      {intro ? <p className={styles.intro}>{intro}</p> : null}
    </header>
  );
}
