import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { AdminHeader, adminGate } from "~/components/admin/admin-gate";
import styles from "~/components/admin/admin.module.css";
import { SmsLogScreen } from "~/components/admin/sms-log-screen";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin.sms.log");
  return { title: t("title") };
}

export default async function SmsLogPage() {
  const { actor, denied } = await adminGate();
  if (!actor) return denied;
  const t = await getTranslations("admin.sms.log");
  return (
    <main className={`page ${styles.page}`}>
      <AdminHeader title={t("title")} intro={t("intro")} />
      <SmsLogScreen />
    </main>
  );
}
