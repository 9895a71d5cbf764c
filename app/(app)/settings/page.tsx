import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { SettingsScreen } from "~/components/settings/settings-screen";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("me");
  return { title: t("title") };
}

export default function SettingsPage() {
  return <SettingsScreen />;
}
