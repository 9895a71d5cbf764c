import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { ScanScreen } from "~/components/scan/scan-screen";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("scan");
  return { title: t("title") };
}

/** `?code=` carries a hardware scan from another screen that needs explaining here (unknown, or several records). */
export default async function ScanPage({ searchParams }: { searchParams: Promise<{ code?: string | string[] }> }) {
  const { code } = await searchParams;
  const initialCode = typeof code === "string" && code.trim() ? code.trim().slice(0, 200) : null;
  return <ScanScreen initialCode={initialCode} />;
}
