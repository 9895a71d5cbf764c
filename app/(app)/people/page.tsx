import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { PeopleScreen } from "~/components/people/people-screen";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("people");
  return { title: t("title") };
}

export default function PeoplePage() {
  return <PeopleScreen />;
}
