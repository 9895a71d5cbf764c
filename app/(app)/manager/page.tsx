import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { ManagerQueue } from "~/components/manager/manager-queue";
import { getSessionActor } from "~/server/api/session";
import { isManager } from "~/server/domain-error";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("manager");
  return { title: t("pageTitle") };
}

/** The queue is for managers and admins; the check runs here, on the server, not only in the tab bar. */
export default async function ManagerPage() {
  const actor = await getSessionActor(await headers());
  if (!actor) redirect("/sign-in");
  if (!isManager(actor)) redirect("/chats");
  return (
    <main className="page">
      <ManagerQueue />
    </main>
  );
}
