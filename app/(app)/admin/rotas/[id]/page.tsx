import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { adminGate } from "~/components/admin/admin-gate";
import { RotaScreen } from "~/components/admin/rota-screen";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("admin.rotas");
  return { title: t("title") };
}

export default async function RotaPage({ params }: { params: Promise<{ id: string }> }) {
  const { actor, denied } = await adminGate();
  if (!actor) return denied;
  return <RotaScreen rotaId={(await params).id} />;
}
