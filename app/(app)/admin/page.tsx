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

type Name = "tokens" | "webhooks" | "import" | "rotas" | "qr" | "smsContacts" | "smsSettings" | "smsLog";
type Entry = { href: string; name: Name; text: `${Name}Text` };

const ADMIN_ENTRIES: Entry[] = [
  { href: "/admin/tokens", name: "tokens", text: "tokensText" },
  { href: "/admin/webhooks", name: "webhooks", text: "webhooksText" },
  { href: "/admin/import", name: "import", text: "importText" },
  { href: "/admin/rotas", name: "rotas", text: "rotasText" },
  { href: "/admin/qr", name: "qr", text: "qrText" },
];

/** Two-way SMS (PRODUCT.md C6): admins only. */
const SMS_ENTRIES: Entry[] = [
  { href: "/admin/sms", name: "smsContacts", text: "smsContactsText" },
  { href: "/admin/sms/settings", name: "smsSettings", text: "smsSettingsText" },
  { href: "/admin/sms/log", name: "smsLog", text: "smsLogText" },
];

/**
 * The admin hub. Admins see every admin screen, SMS in a group of its own; managers only the QR
 * labels, which they may print too; workers are told the page is not for them.
 */
export default async function AdminPage() {
  const { actor, denied } = await adminGate(isManager);
  if (!actor) return denied;
  const t = await getTranslations("admin.hub");
  const isAdmin = actor.role === "admin";
  const entries = isAdmin ? ADMIN_ENTRIES : ADMIN_ENTRIES.filter((entry) => entry.name === "qr");
  const hubList = (list: Entry[], labelledBy?: string) => (
    <ul className={styles.hubList} aria-labelledby={labelledBy}>
      {list.map((entry) => (
        <li key={entry.href}>
          <Link href={entry.href} className={styles.hubLink}>
            <span className={styles.hubName}>{t(entry.name)}</span>
            <span className={styles.hubText}>{t(entry.text)}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
  return (
    <main className={`page ${styles.page}`}>
      <AdminHeader title={t("title")} intro={t("intro")} back={null} />
      {hubList(entries)}
      {isAdmin ? (
        <section className={styles.hubGroup} aria-labelledby="admin-hub-sms">
          <h2 id="admin-hub-sms">{t("sms")}</h2>
          {hubList(SMS_ENTRIES, "admin-hub-sms")}
        </section>
      ) : (
        <p className={styles.intro}>{t("managerNote")}</p>
      )}
    </main>
  );
}
