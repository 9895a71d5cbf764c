import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { ManualEntry } from "~/components/scan/manual-entry";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("scan");
  return { title: t("title") };
}

export default async function ScanPage() {
  const t = await getTranslations("scan");
  return (
    <main className="page">
      <h1>{t("title")}</h1>
      <p className="muted">{t("intro")}</p>
      <ManualEntry />
    </main>
  );
}
