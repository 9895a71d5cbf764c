import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { AdminHeader, adminGate } from "~/components/admin/admin-gate";
import styles from "~/components/admin/admin.module.css";
import { WebhooksScreen } from "~/components/admin/webhooks-screen";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin.webhooks");
  return { title: t("title") };
}

export default async function WebhooksPage() {
  const { actor, denied } = await adminGate();
  if (!actor) return denied;
  const t = await getTranslations("admin.webhooks");
  return (
    <main className={`page ${styles.page}`}>
      <AdminHeader title={t("title")} intro={t("intro")} />
      <WebhooksScreen />
    </main>
  );
}
