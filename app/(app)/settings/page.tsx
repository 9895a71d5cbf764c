import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { MeScreen } from "~/components/me/me-screen";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("me");
  return { title: t("title") };
}

export default function SettingsPage() {
  return <MeScreen />;
}
