import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { AdminHeader, adminGate } from "~/components/admin/admin-gate";
import styles from "~/components/admin/admin.module.css";
import { SmsContactsScreen } from "~/components/admin/sms-contacts-screen";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin.sms.contacts");
  return { title: t("title") };
}

export default async function SmsContactsPage() {
  const { actor, denied } = await adminGate();
  if (!actor) return denied;
  const t = await getTranslations("admin.sms.contacts");
  return (
    <main className={`page ${styles.page}`}>
      <AdminHeader title={t("title")} intro={t("intro")} />
      <SmsContactsScreen />
    </main>
  );
}
