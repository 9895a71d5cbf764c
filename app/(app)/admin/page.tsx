import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { AdminHeader, adminGate } from "~/components/admin/admin-gate";
import styles from "~/components/admin/admin.module.css";
import { isManager } from "~/server/domain-error";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin.hub");
  return { title: t("title") };
}

type Entry = { href: string; name: "tokens" | "webhooks" | "import" | "rotas" | "qr"; text: "tokensText" | "webhooksText" | "importText" | "rotasText" | "qrText" };

const ADMIN_ENTRIES: Entry[] = [
  { href: "/admin/tokens", name: "tokens", text: "tokensText" },
  { href: "/admin/webhooks", name: "webhooks", text: "webhooksText" },
  { href: "/admin/import", name: "import", text: "importText" },
  { href: "/admin/rotas", name: "rotas", text: "rotasText" },
  { href: "/admin/qr", name: "qr", text: "qrText" },
];

/**
 * The admin hub. Admins see every admin screen; managers only the QR labels, which they may
 * print too; workers are told the page is not for them.
 */
export default async function AdminPage() {
  const { actor, denied } = await adminGate(isManager);
  if (!actor) return denied;
  const t = await getTranslations("admin.hub");
  const isAdmin = actor.role === "admin";
  const entries = isAdmin ? ADMIN_ENTRIES : ADMIN_ENTRIES.filter((entry) => entry.name === "qr");
  return (
    <main className={`page ${styles.page}`}>
      <AdminHeader title={t("title")} intro={t("intro")} back={null} />
      <ul className={styles.hubList}>
        {entries.map((entry) => (
          <li key={entry.href}>
            <Link href={entry.href} className={styles.hubLink}>
              <span className={styles.hubName}>{t(entry.name)}</span>
              <span className={styles.hubText}>{t(entry.text)}</span>
            </Link>
          </li>
        ))}
      </ul>
      {isAdmin ? null : <p className={styles.intro}>{t("managerNote")}</p>}
    </main>
  );
}
